import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { ApiServer, ApiServerConfig } from '../apiserver/server.js';
import type { Logger } from '../client/logger.js';
import type { NodeLifecycleOptions } from '../controllers/node-lifecycle.js';
import type { KubernetesServiceConfig } from './kubernetes-service.js';

/** Components `skiff server` / `skiff up` run beside the API server (k3s's `--disable` names). */
export const EMBEDDED_COMPONENTS = ['controller-manager', 'scheduler'] as const;
export type EmbeddedComponent = (typeof EMBEDDED_COMPONENTS)[number];

export interface ControlPlaneConfig {
  server: ApiServerConfig;
  /** Components not to run in-process (e.g. a standalone `skiff scheduler` runs instead). */
  disable?: ReadonlySet<EmbeddedComponent>;
  /** Logger for the embedded controllers and scheduler (default: JSON lines on stderr). */
  log?: Logger;
  /** Node failure timings for the node lifecycle controller (default: Kubernetes'). */
  nodeLifecycle?: NodeLifecycleOptions;
  /** Progress lines ("controllers running"), for the CLI to show. */
  progress?: (line: string) => void;
  /** The in-cluster `default/kubernetes` Service to keep pointing at this server (its port is the server's). */
  kubernetesService?: Omit<KubernetesServiceConfig, 'port'>;
  /**
   * Other servers may share the datastore (etcd): the controller manager and the scheduler
   * run only while this server holds their Leases, and the `kubernetes` endpoints list
   * every server with a live identity Lease. `identity` must be stable per server
   * (`serverIdentity(dataDir)`). Off (SQLite: one server) costs nothing at start.
   */
  ha?: { identity: string };
}

export interface ControlPlane {
  server: ApiServer;
  /** Which embedded components run. */
  readonly running: readonly EmbeddedComponent[];
  /**
   * Stops the controllers and the scheduler (waiting for in-flight work), the shared
   * informers and the client, then the API server. Idempotent; never rejects for the
   * embedded components (their failures are logged), rejects if the server's close fails.
   */
  stop(): Promise<void>;
}

/**
 * Starts the API server, then the controller manager and the scheduler in the same
 * process on one shared informer factory. They reach the server over HTTPS on loopback
 * with the admin credentials it just wrote — the same path as standalone components, so
 * authentication, admission and watch behave identically. Without `ha` there is no
 * leader election: one process owns the control plane. With `ha` each component is
 * leader-elected (see leader-elected.ts). Resolves once the controllers' caches have
 * synced, or (ha) once a component is known to run elsewhere; on failure everything
 * started is stopped.
 */
export async function startControlPlane(config: ControlPlaneConfig): Promise<ControlPlane> {
  const { startApiServer } = await import('../apiserver/server.js');
  const disable = config.disable ?? new Set<EmbeddedComponent>();
  const progress = config.progress ?? (() => {});
  // Filled once the in-process components start (ComponentStatus asks; HA ones answer by their Leases).
  const inProcess = new Set<string>();
  const server = await startApiServer({ ...config.server, componentHealth: (c) => inProcess.has(c) });
  progress(`API server serving on ${server.url}`);
  const { clientFromKubeconfig } = await import('../client/rest-client.js');
  const { jsonLogger } = await import('../client/logger.js');
  const log = config.log ?? jsonLogger('control-plane');
  const client = clientFromKubeconfig({ path: server.kubeconfigPath, userAgent: 'skiff-control-plane' });
  let endpointLease: { stop(): Promise<void> } | undefined;
  if (config.kubernetesService) {
    const service = { ...config.kubernetesService, port: server.port };
    try {
      let warning: string | undefined;
      if (config.ha) {
        const { startApiServerLease } = await import('./apiserver-lease.js');
        const lease = await startApiServerLease({ client, identity: config.ha.identity, service, log });
        endpointLease = lease;
        warning = lease.warning;
      } else {
        const { ensureKubernetesService } = await import('./kubernetes-service.js');
        warning = await ensureKubernetesService(client, service);
      }
      if (warning) progress(warning);
    } catch (err) {
      // Not fatal: the cluster works without it, only in-cluster clients miss it.
      log.error('creating the kubernetes Service failed', { error: err });
    }
  }
  const wanted = EMBEDDED_COMPONENTS.filter((c) => !disable.has(c));
  const stopServer = async (): Promise<void> => {
    await endpointLease?.stop();
    client.close();
    await server.close();
  };
  if (wanted.length === 0) {
    let done: Promise<void> | undefined;
    return { server, running: [], stop: () => (done ??= stopServer()) };
  }
  if (config.ha) {
    const { startElectedComponents } = await import('./elected-components.js');
    try {
      const elected = await startElectedComponents({ client, wanted, identity: config.ha.identity, log, progress, server, ...(config.nodeLifecycle ? { nodeLifecycle: config.nodeLifecycle } : {}) });
      let done: Promise<void> | undefined;
      const stop = (): Promise<void> => (done ??= elected.stop().then(stopServer));
      return { server, running: wanted, stop };
    } catch (err) {
      await stopServer().catch(() => {});
      throw err;
    }
  }
  const { SharedInformerFactory } = await import('../client/informer-factory.js');
  const informers = new SharedInformerFactory({ client, logger: log });
  const stoppers: Array<{ name: EmbeddedComponent; stop: () => Promise<void> }> = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // Controllers and scheduler first (they write through the server), then caches, then the server.
      inProcess.clear();
      for (const s of stoppers.reverse()) {
        await s.stop().catch((err: unknown) => log.error('stopping failed', { component: s.name, error: err }));
      }
      await informers.stop().catch((err: unknown) => log.error('stopping informers failed', { error: err }));
      await stopServer();
    })());
  try {
    if (wanted.includes('scheduler')) {
      const { startScheduler } = await import('../scheduler/index.js');
      const s = startScheduler({ client, informers, logger: log });
      stoppers.push({ name: 'scheduler', stop: () => s.stop() });
    }
    if (wanted.includes('controller-manager')) {
      const { startControllerManager } = await import('../controllers/manager.js');
      const cm = await startControllerManager({ client, informers, log, rootCaPem: server.caPem, clusterSigning: { certPem: server.ca.certPem, keyPem: server.ca.keyPem }, ...(config.nodeLifecycle ? { nodeLifecycle: config.nodeLifecycle } : {}) });
      stoppers.push({ name: 'controller-manager', stop: () => cm.stop() });
    }
    // The controller manager starts the factory; with it disabled the scheduler's informers need a start.
    informers.start();
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  for (const s of stoppers) {
    inProcess.add(s.name);
    progress(`${s.name} running (in-process)`);
  }
  return { server, running: stoppers.map((s) => s.name), stop };
}

/** `<hostname>_<8 hex of sha256(absolute data dir)>`: unique per server, the same across restarts (so a restart renews its own leases at once). */
export function serverIdentity(dataDir: string): string {
  return `${hostname()}_${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}

/** Parses `--disable` values (comma-separated, repeatable); throws on unknown names. */
export function parseDisable(values: readonly string[]): Set<EmbeddedComponent> {
  const out = new Set<EmbeddedComponent>();
  for (const v of values) {
    if (!(EMBEDDED_COMPONENTS as readonly string[]).includes(v)) {
      throw new Error(`unknown component "${v}" (known: ${EMBEDDED_COMPONENTS.join(', ')})`);
    }
    out.add(v as EmbeddedComponent);
  }
  return out;
}

/**
 * Resolves on the first SIGTERM/SIGINT after running `stop`, with an error message when
 * stopping failed (undefined on a clean stop). Logs the signal as `<name>: SIGTERM, shutting down`.
 */
/**
 * SIGTERM or SIGINT arriving while a daemon is still starting would take the default
 * action (killed mid-start, nothing cleaned up): the first one is remembered instead, and
 * stopOnSignal acts on it once the daemon is up. `release()` when start fails.
 */
export interface HeldSignals {
  pending(): string | undefined;
  release(): void;
}

export function holdSignalsDuringStart(): HeldSignals {
  let got: string | undefined;
  const onTerm = (): void => void (got ??= 'SIGTERM');
  const onInt = (): void => void (got ??= 'SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  return {
    pending: () => got,
    release: () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
    },
  };
}

export function stopOnSignal(name: string, stop: () => Promise<void>, held?: HeldSignals): Promise<string | undefined> {
  return new Promise<string | undefined>((done) => {
    const onSignal = (signal: string): void => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.stderr.write(`${name}: ${signal}, shutting down\n`);
      stop().then(
        () => done(undefined),
        (err: unknown) => done(`shutdown: ${err instanceof Error ? err.message : String(err)}`),
      );
    };
    const onTerm = (): void => onSignal('SIGTERM');
    const onInt = (): void => onSignal('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    // Installed before the held handlers go, so no signal falls in between.
    held?.release();
    const early = held?.pending();
    if (early) onSignal(early);
  });
}
