import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { LeaseKind } from '../api/coordination/v1/lease.js';
import { clientFromKubeconfig, jsonLogger, LeaderElector } from '../client/index.js';
import { loadSchedulerConfig, startScheduler, type RunningScheduler } from '../scheduler/index.js';

interface SchedulerOptions {
  kubeconfig?: string;
  config?: string;
  leaderElect: boolean;
  leaderElectNamespace: string;
}

/** `skiff scheduler`: runs the scheduler alone against an API server, with leader election. */
export function registerSchedulerCommand(program: Command): void {
  program
    .command('scheduler')
    .description('run the scheduler on its own (leader-elected), against an API server')
    .option('--kubeconfig <file>', 'kubeconfig of the API server (default: $KUBECONFIG, ~/.kube/config)')
    .option('--config <file>', 'KubeSchedulerConfiguration-like file (profiles, plugin weights, plugin args)')
    .option('--leader-elect <bool>', 'campaign for the kube-system/kube-scheduler Lease before scheduling', (v) => v !== 'false', true)
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the leader Lease', 'kube-system')
    .action(async (o: SchedulerOptions & { leaderElectResourceNamespace: string }) => {
      const logger = jsonLogger('scheduler');
      const client = clientFromKubeconfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), userAgent: 'skiff-scheduler' });
      const config = o.config ? loadSchedulerConfig(o.config) : undefined;
      let running: RunningScheduler | undefined;
      const start = (): void => {
        running = startScheduler({ client, logger, ...(config ? { config } : {}) });
      };
      let elector: LeaderElector | undefined;
      if (o.leaderElect) {
        elector = new LeaderElector({
          leases: client.resource(LeaseKind),
          namespace: o.leaderElectResourceNamespace,
          name: 'kube-scheduler',
          identity: `${hostname()}_${randomBytes(4).toString('hex')}`,
          logger,
          onStartedLeading: () => start(),
          onStoppedLeading: () => {
            // As kube-scheduler: losing the lease ends the process (a supervisor restarts it).
            logger.error('leader election lost', {});
            void running?.stop().finally(() => process.exit(1));
          },
        });
        elector.start();
      } else start();
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await running?.stop();
      await elector?.stop();
      client.close();
    });
}
