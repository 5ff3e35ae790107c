import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { addNodeLifecycleOptions, nodeLifecycleTimings, type NodeLifecycleFlags } from './node-lifecycle-flags.js';

interface ControllerManagerFlags extends NodeLifecycleFlags {
  kubeconfig?: string;
  leaderElect: boolean;
  controllers: string[];
  terminatedPodGcThreshold: number;
  concurrentSyncs: number;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  clusterSigningDuration?: number;
}

function parseBool(v: string): boolean {
  if (v === 'true' || v === '') return true;
  if (v === 'false') return false;
  throw new InvalidArgumentError('must be true or false.');
}

function parseCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a non-negative integer.');
  return Number(v);
}

function parseSeconds(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new InvalidArgumentError('must be a duration such as 15s.');
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

function parseHours(v: string): number {
  const m = /^(\d+)(h|m|s)$/.exec(v);
  if (!m || Number(m[1]) === 0) throw new InvalidArgumentError('must be a duration such as 8760h.');
  return Number(m[1]) * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000);
}

function collectList(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** `skiff controller-manager`: the controllers alone, talking to an API server through a kubeconfig. */
export function registerControllerManagerCommand(program: Command): void {
  const cmd = program
    .command('controller-manager')
    .description('run the controllers (replicaset, deployment, garbage collector, namespace, endpoints, …) against an API server')
    .option('--kubeconfig <file>', 'kubeconfig of the API server to manage (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--leader-elect [bool]', 'take the kube-system/kube-controller-manager Lease before running controllers, so only one instance acts', parseBool, true)
    .option('--controllers <names>', 'controllers to run: names, "*" for all, "-name" to leave one out (comma-separated)', collectList, [])
    .option('--terminated-pod-gc-threshold <n>', 'terminated pods kept before the oldest are deleted (0 disables)', parseCount, 12500)
    .option('--concurrent-syncs <n>', 'workers per controller for replicasets, deployments and the garbage collector', parseCount, 5)
    .option('--leader-elect-lease-duration <d>', 'lease duration', parseSeconds, 15_000)
    .option('--leader-elect-renew-deadline <d>', 'renew deadline', parseSeconds, 10_000)
    .option('--leader-elect-retry-period <d>', 'retry period', parseSeconds, 2_000)
    .option('--cluster-signing-cert-file <file>', 'CA certificate (PEM) the csrsigning controller issues approved CertificateSigningRequests from')
    .option('--cluster-signing-key-file <file>', 'private key (PEM) of that CA')
    .option('--cluster-signing-duration <d>', 'longest validity of the certificates it issues (default 8760h)', parseHours);
  addNodeLifecycleOptions(cmd, { admission: false })
    .addHelpText(
      'after',
      `
Controllers: replicaset, deployment, garbage-collector, namespace, endpointslice, endpoints, serviceaccount, podgc, csrsigning, csrcleaner, …

Examples:
  skiff controller-manager --kubeconfig ~/.skiff/admin.kubeconfig
  skiff controller-manager --kubeconfig admin.kubeconfig --leader-elect=false --controllers='*,-podgc'`,
    )
    .action(async (flags: ControllerManagerFlags, cmd: Command) => {
      const { selectControllers } = await import('../controllers/manager.js');
      try {
        selectControllers(flags.controllers);
      } catch (err) {
        cmd.error(`error: --controllers: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (Boolean(flags.clusterSigningCertFile) !== Boolean(flags.clusterSigningKeyFile)) {
        cmd.error('error: --cluster-signing-cert-file and --cluster-signing-key-file go together');
      }
      await runControllerManager(flags);
    });
}

async function runControllerManager(flags: ControllerManagerFlags): Promise<void> {
  const { clientFromKubeconfig } = await import('../client/rest-client.js');
  const { LeaderElector } = await import('../client/leader-election.js');
  const { LeaseKind } = await import('../api/coordination/v1/lease.js');
  const { jsonLogger } = await import('../client/logger.js');
  const { startControllerManager } = await import('../controllers/manager.js');
  const log = jsonLogger('controller-manager');
  // Errors thrown from here reach the CLI's one error sink (message on stderr, exit code 1).
  const client = clientFromKubeconfig({ ...(flags.kubeconfig ? { path: flags.kubeconfig } : {}), qps: 200, burst: 400, userAgent: 'skiff-controller-manager' });
  // The CA the kubeconfig trusts is the cluster's: published to namespaces as kube-root-ca.crt.
  const { loadKubeconfig } = await import('../client/kubeconfig.js');
  const rootCaPem = loadKubeconfig(flags.kubeconfig ? { path: flags.kubeconfig } : {}).ca?.toString('utf8');
  const options = { terminatedPodGcThreshold: flags.terminatedPodGcThreshold, workers: flags.concurrentSyncs };
  const { readFileSync } = await import('node:fs');
  const clusterSigning =
    flags.clusterSigningCertFile && flags.clusterSigningKeyFile
      ? { certPem: readFileSync(flags.clusterSigningCertFile, 'utf8'), keyPem: readFileSync(flags.clusterSigningKeyFile, 'utf8'), ...(flags.clusterSigningDuration ? { durationMs: flags.clusterSigningDuration } : {}) }
      : undefined;
  let manager: { stop(): Promise<void> } | undefined;
  let starting: Promise<void> | undefined;
  const startManager = (): Promise<void> =>
    (starting ??= (async () => {
      manager = await startControllerManager({ client, log, controllers: flags.controllers, options, nodeLifecycle: nodeLifecycleTimings(flags), ...(rootCaPem ? { rootCaPem } : {}), ...(clusterSigning ? { clusterSigning } : {}) });
      process.stdout.write('skiff controller-manager: controllers running\n');
    })());
  const stopManager = async (): Promise<void> => {
    await starting?.catch(() => {});
    await manager?.stop();
    manager = undefined;
    starting = undefined;
  };

  let elector: InstanceType<typeof LeaderElector> | undefined;
  let shuttingDown = false;
  let fatal: ((err: unknown) => void) | undefined;
  let fatalError: unknown;
  const failed = new Promise<void>((resolve) => {
    fatal = (err) => {
      if (shuttingDown || fatalError) return;
      fatalError = err;
      resolve();
    };
  });
  if (flags.leaderElect) {
    const identity = `${hostname()}_${randomBytes(8).toString('hex')}`;
    elector = new LeaderElector({
      leases: client.resource(LeaseKind),
      namespace: 'kube-system',
      name: 'kube-controller-manager',
      identity,
      leaseDurationMs: flags.leaderElectLeaseDuration,
      renewDeadlineMs: flags.leaderElectRenewDeadline,
      retryPeriodMs: flags.leaderElectRetryPeriod,
      logger: log,
      onStartedLeading: () => {
        log.info('became leader', { identity });
        startManager().catch((err: unknown) => fatal?.(err));
      },
      // As kube-controller-manager: losing the lease ends the process (a restart campaigns afresh).
      onStoppedLeading: () => {
        log.warn('leadership lost', { identity });
        void stopManager().finally(() => fatal?.(new Error('leader election lost')));
      },
    });
    elector.start();
  } else {
    startManager().catch((err: unknown) => fatal?.(err));
  }

  // The client's timers are unref'd: while a candidate waits for the lease nothing else
  // would keep the process alive.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signalled = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const which = await Promise.race([signalled, failed.then(() => '')]);
  shuttingDown = true;
  if (which) process.stderr.write(`skiff controller-manager: ${which}, shutting down\n`);
  if (elector) {
    // Stop the controllers first, then release the lease so a successor starts at once.
    await stopManager();
    await elector.stop();
  } else {
    await stopManager();
  }
  client.close();
  clearInterval(keepAlive);
  if (fatalError) throw fatalError instanceof Error ? fatalError : new Error(String(fatalError));
}
