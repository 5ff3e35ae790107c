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
 * authentication, admission and watch behave identically. No leader election: one
 * process owns the control plane (disable a component to run it standalone instead).
 * Resolves once the controllers' caches have synced; on failure everything started is stopped.
 */
export async function startControlPlane(config: ControlPlaneConfig): Promise<ControlPlane> {
  const { startApiServer } = await import('../apiserver/server.js');
  const disable = config.disable ?? new Set<EmbeddedComponent>();
  const progress = config.progress ?? (() => {});
  const server = await startApiServer(config.server);
  progress(`API server serving on ${server.url}`);
  const { clientFromKubeconfig } = await import('../client/rest-client.js');
  const { jsonLogger } = await import('../client/logger.js');
  const log = config.log ?? jsonLogger('control-plane');
  const client = clientFromKubeconfig({ path: server.kubeconfigPath, userAgent: 'skiff-control-plane' });
  if (config.kubernetesService) {
    const { ensureKubernetesService } = await import('./kubernetes-service.js');
    try {
      const warning = await ensureKubernetesService(client, { ...config.kubernetesService, port: server.port });
      if (warning) progress(warning);
    } catch (err) {
      // Not fatal: the cluster works without it, only in-cluster clients miss it.
      log.error('creating the kubernetes Service failed', { error: err });
    }
  }
  const wanted = EMBEDDED_COMPONENTS.filter((c) => !disable.has(c));
  if (wanted.length === 0) {
    client.close();
    return { server, running: [], stop: () => server.close() };
  }
  const { SharedInformerFactory } = await import('../client/informer-factory.js');
  const informers = new SharedInformerFactory({ client, logger: log });
  const stoppers: Array<{ name: EmbeddedComponent; stop: () => Promise<void> }> = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      // Controllers and scheduler first (they write through the server), then caches, then the server.
      for (const s of stoppers.reverse()) {
        await s.stop().catch((err: unknown) => log.error('stopping failed', { component: s.name, error: err }));
      }
      await informers.stop().catch((err: unknown) => log.error('stopping informers failed', { error: err }));
      client.close();
      await server.close();
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
  for (const s of stoppers) progress(`${s.name} running (in-process)`);
  return { server, running: stoppers.map((s) => s.name), stop };
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
export function stopOnSignal(name: string, stop: () => Promise<void>): Promise<string | undefined> {
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
  });
}
