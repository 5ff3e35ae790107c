/**
 * Test support only: a Runtime double and default dependencies for pod-worker tests. Containers run until they are
 * stopped or a test calls exit(name, code); the double records what was started, stopped
 * and removed, so a test can assert order without a real runtime.
 */
import type { FakeClock } from '../client/fake-clock.js';
import { silentLogger } from '../client/logger.js';
import { CrashBackoff } from './backoff.js';
import type { PodWorkerDeps } from './pod-worker-deps.js';
import { ContainerStartError, type ContainerConfig, type ContainerStatus, type Runtime } from './runtime.js';

export interface FakeRuntimeOptions {
  clock?: FakeClock;
  /** Containers (by name) whose start fails as a missing command does. */
  failStart?: readonly string[];
  /** How a stopped container ends (default exit 143, SIGTERM's, without a reason). */
  stopped?: { exitCode: number; reason?: string };
  /** exit() also sets the reason the runtime reports (Completed / Error). */
  exitReasons?: boolean;
}

export function fakeRuntime(o: FakeRuntimeOptions = {}) {
  const now = (): number => o.clock?.now() ?? 0;
  const containers = new Map<string, ContainerStatus>();
  const configs = new Map<string, ContainerConfig>();
  const stopped: string[] = [];
  const removed: string[] = [];
  /** `start <name>` / `stop <name>`, in order. */
  const log: string[] = [];
  let n = 0;
  const runtime = {
    name: 'fake',
    version: '0',
    runPodSandbox: async (config) => ({ id: 'sb', config, ip: '198.18.0.2', state: 'ready', createdAt: 0 }),
    stopPodSandbox: async () => {},
    removePodSandbox: async () => {},
    createContainer: async (sandboxId, config) => {
      const id = `c${n++}`;
      containers.set(id, { id, sandboxId, name: config.name, image: config.image, state: 'created', createdAt: n, logPath: config.logPath, labels: config.labels });
      configs.set(id, config);
      return id;
    },
    startContainer: async (id) => {
      const c = containers.get(id) as ContainerStatus;
      if (o.failStart?.includes(c.name)) throw new ContainerStartError(`cannot start ${c.name}`);
      Object.assign(c, { state: 'running', startedAt: now(), pid: 1000 + n });
      log.push(`start ${c.name}`);
    },
    stopContainer: async (id) => {
      stopped.push(id);
      const c = containers.get(id) as ContainerStatus;
      log.push(`stop ${c.name}`);
      if (c.state === 'running') Object.assign(c, { state: 'exited', exitCode: o.stopped?.exitCode ?? 143, ...(o.stopped?.reason ? { reason: o.stopped.reason } : {}), finishedAt: now() });
    },
    removeContainer: async (id) => {
      removed.push(id);
      containers.delete(id);
    },
    // A copy, as a real runtime answers: the worker must not see later changes through it.
    containerStatus: async (id) => (containers.has(id) ? { ...(containers.get(id) as ContainerStatus) } : undefined),
  } as Partial<Runtime> as Runtime;
  const byName = (name: string): ContainerStatus[] => [...containers.values()].filter((c) => c.name === name);
  const exit = (name: string, exitCode: number): void => {
    for (const c of byName(name)) {
      if (c.state === 'running') Object.assign(c, { state: 'exited', exitCode, ...(o.exitReasons ? { reason: exitCode ? 'Error' : 'Completed' } : {}), finishedAt: now() });
    }
  };
  return { runtime, containers, configs, stopped, removed, log, byName, exit };
}

/** A pod worker's dependencies for tests: quiet defaults around `runtime`, replaced where `over` says. */
export function workerDeps(runtime: Runtime, clock: FakeClock, over: Partial<PodWorkerDeps> = {}): PodWorkerDeps {
  return {
    runtime,
    events: { event: () => {} },
    envSources: { configMap: async () => undefined, secret: async () => undefined },
    clock,
    logger: silentLogger,
    backoff: new CrashBackoff({}),
    logDir: '/nonexistent',
    hostIP: '198.18.0.1',
    baseEnv: () => ({}),
    patchStatus: async () => {},
    deletePod: async () => {},
    onFinished: () => {},
    ...over,
  };
}
