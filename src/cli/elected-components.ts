/**
 * The in-process controller manager and scheduler of a server that shares its datastore
 * with others: each under its own Lease (kube-system/kube-controller-manager,
 * kube-system/kube-scheduler, upstream's names), each term with its own informers, so a
 * component that loses the lease and wins it back starts from a clean cache.
 */
import type { ApiServer } from '../apiserver/server.js';
import type { Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import type { NodeLifecycleOptions } from '../controllers/node-lifecycle.js';
import type { EmbeddedComponent } from './control-plane.js';
import { runElected, type ElectedComponent } from './leader-elected.js';

export interface ElectedComponentsConfig {
  client: RestClient;
  wanted: readonly EmbeddedComponent[];
  identity: string;
  log: Logger;
  progress: (line: string) => void;
  server: ApiServer;
  nodeLifecycle?: NodeLifecycleOptions;
}

const LEASES: Record<EmbeddedComponent, string> = { 'controller-manager': 'kube-controller-manager', scheduler: 'kube-scheduler' };

/** Resolves once every component runs here or is known to run on another server; `stop()` never rejects. */
export async function startElectedComponents(cfg: ElectedComponentsConfig): Promise<{ stop(): Promise<void> }> {
  const { client, log, server } = cfg;
  const starters: Record<EmbeddedComponent, () => Promise<{ stop(): Promise<void> }>> = {
    scheduler: async () => {
      const { startScheduler } = await import('../scheduler/index.js');
      const s = startScheduler({ client, logger: log });
      cfg.progress('scheduler running (in-process, leader)');
      return s;
    },
    'controller-manager': async () => {
      const { startControllerManager } = await import('../controllers/manager.js');
      const cm = await startControllerManager({ client, log, rootCaPem: server.caPem, clusterSigning: { certPem: server.ca.certPem, keyPem: server.ca.keyPem }, ...(cfg.nodeLifecycle ? { nodeLifecycle: cfg.nodeLifecycle } : {}) });
      cfg.progress('controller-manager running (in-process, leader)');
      return cm;
    },
  };
  // Both campaign at once: a standby server must not wait for one lease before asking for the other.
  const results = await Promise.allSettled(
    cfg.wanted.map((name) => runElected({ client, lease: LEASES[name], identity: cfg.identity, log, start: starters[name], progress: cfg.progress })),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((e: ElectedComponent) => e.stop()));
  };
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { stop };
}
