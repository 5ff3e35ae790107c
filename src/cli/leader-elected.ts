/**
 * Runs one in-process component (controller manager or scheduler) only while this server
 * holds its kube-system Lease, as kube-controller-manager and kube-scheduler do under
 * k3s: with several servers on one datastore exactly one acts, and another takes over
 * when it stops. The identity is stable per data dir, so a restarted server renews its
 * own lease at once instead of waiting for it to expire.
 */
import { LeaseKind } from '../api/coordination/v1/lease.js';
import { LeaderElector } from '../client/leader-election.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';

export interface ElectedComponentConfig {
  client: RestClient;
  /** The Lease in kube-system, e.g. kube-controller-manager. */
  lease: string;
  identity: string;
  log: Logger;
  /** Starts the component for one term of leadership; resolves once it runs. */
  start: () => Promise<{ stop(): Promise<void> }>;
  /** Told when this server goes on standby behind another holder. */
  progress?: (line: string) => void;
}

export interface ElectedComponent {
  /** True while this server leads (and runs the component). */
  isLeader(): boolean;
  /** Stops the component if running, then releases the lease. Never rejects. */
  stop(): Promise<void>;
}

/**
 * Campaigns for the lease. Resolves once this server leads and the component started, or
 * once another holder is seen (standby); rejects if the first start fails.
 */
export async function runElected(cfg: ElectedComponentConfig): Promise<ElectedComponent> {
  let term: Promise<void> | undefined;
  let running: { stop(): Promise<void> } | undefined;
  let stopping = false;
  let settle: ((err?: unknown) => void) | undefined;
  const settled = new Promise<void>((resolve, reject) => {
    settle = (err) => {
      settle = undefined;
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve();
    };
  });
  const endTerm = async (): Promise<void> => {
    const t = term;
    term = undefined;
    await t?.catch(() => {});
    const r = running;
    running = undefined;
    await r?.stop().catch((err: unknown) => cfg.log.error('stopping failed', { component: cfg.lease, error: err }));
  };
  const elector = new LeaderElector({
    leases: cfg.client.resource(LeaseKind),
    namespace: 'kube-system',
    name: cfg.lease,
    identity: cfg.identity,
    logger: cfg.log,
    onStartedLeading: () => {
      if (stopping) return;
      term = (async () => {
        running = await cfg.start();
      })();
      term.then(
        () => settle?.(),
        (err: unknown) => {
          cfg.log.error('starting failed', { component: cfg.lease, error: err });
          settle?.(err);
        },
      );
    },
    onStoppedLeading: () => {
      if (!stopping) cfg.log.warn('leadership lost, on standby', { lease: `kube-system/${cfg.lease}`, identity: cfg.identity });
      void endTerm();
    },
    onNewLeader: (holder) => {
      if (holder === cfg.identity) return;
      cfg.progress?.(`${cfg.lease}: on standby, ${holder} leads`);
      settle?.();
    },
  });
  elector.start();
  const stop = async (): Promise<void> => {
    stopping = true;
    // The component first (it writes through the API), then hand the lease over.
    await endTerm();
    await elector.stop();
  };
  try {
    await settled;
  } catch (err) {
    await stop();
    throw err;
  }
  return { isLeader: () => elector.isLeader(), stop };
}
