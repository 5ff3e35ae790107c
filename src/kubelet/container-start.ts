import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { Probe } from '../api/core/v1/probe.js';
import { ContainerConfigError, containerEnv } from './container-env.js';
import { containerConfig } from './container-config.js';
import { ImagePulls } from './image-pulls.js';
import type { CState, PodWorkerDeps } from './pod-worker-deps.js';
import { startProbeLoops } from './probe-loop.js';
import { runProbe } from './prober.js';
import { ContainerStartError, type ContainerStatus, type Mount, type PodSandbox } from './runtime.js';

/** What starting a container instance needs from its pod worker. */
export interface StartContext {
  readonly pod: Pod;
  readonly deps: PodWorkerDeps;
  readonly pulls: ImagePulls;
  sandbox(): PodSandbox | undefined;
  event(type: 'Normal' | 'Warning', reason: string, message: string, c?: Container): void;
  trace(step: string): void;
  resyncIn(ms: number): void;
  requestSync(): void;
  /** The worker still drives its containers (probes stop once the pod terminates or finishes). */
  active(): boolean;
}

/**
 * Starts a new instance of container `c` once its restart and back-off were decided
 * (pod-worker.ts ensure()): env and mounts (CreateContainerConfigError when they cannot be
 * made), the image per its pull policy, create and start (a failed start recorded as
 * containerd records it, or RunContainerError with back-off), postStart, the probe loops.
 * Resolves with the instance's status, or undefined when it did not start (retry later).
 */
export async function startContainerInstance(ctx: StartContext, c: Container, st: CState, bkey: string, now: number, targetId?: string): Promise<ContainerStatus | undefined> {
  const rt = ctx.deps.runtime;
  let env: Record<string, string>;
  let mounts: Mount[] = [];
  try {
    env = await containerEnv(ctx.pod, c, ctx.deps.envSources, { podIP: ctx.sandbox()?.ip ?? '', hostIP: ctx.deps.hostIP }, ctx.deps.baseEnv(ctx.pod));
    mounts = ctx.deps.volumes?.mountsFor(ctx.pod, c, env) ?? [];
  } catch (err) {
    if (!(err instanceof ContainerConfigError)) throw err;
    return configFailed(ctx, c, st, bkey, now, err);
  }
  const pullRetryMs = await ctx.pulls.ensure(rt, c, st, bkey, now, (message) => ctx.event('Warning', 'Failed', message, c));
  if (pullRetryMs !== undefined) {
    ctx.resyncIn(pullRetryMs);
    return undefined;
  }
  if (st.waiting?.reason !== 'RunContainerError') ctx.event('Normal', 'Pulled', `Container image "${c.image ?? ''}" already present on machine`, c);
  let id: string;
  try {
    id = await rt.createContainer(ctx.sandbox()?.id ?? '', containerConfig(ctx.pod, c, { env, mounts, logDir: ctx.deps.logDir, restartCount: st.restartCount, ...(targetId ? { targetContainerId: targetId } : {}) }));
  } catch (err) {
    // The runtime's own checks of the config (runAsNonRoot against the image's user).
    if (!(err instanceof ContainerConfigError)) throw err;
    return configFailed(ctx, c, st, bkey, now, err);
  }
  ctx.trace('created');
  try {
    await rt.startContainer(id);
  } catch (err) {
    const failed = err instanceof ContainerStartError ? await rt.containerStatus(id) : undefined;
    if (failed?.state === 'exited') {
      // Recorded as an exit (128, StartError), as containerd does: the restart policy and
      // back-off take it from here (CrashLoopBackOff, or a failed pod with Never).
      ctx.event('Warning', 'Failed', `Error: ${(err as Error).message}`, c);
      st.id = id;
      st.waiting = undefined;
      ctx.requestSync(); // no exit event will come for it
      return failed;
    }
    await rt.removeContainer(id);
    if (!(err instanceof ContainerStartError)) throw err;
    if (st.waiting?.message !== err.message) ctx.event('Warning', 'Failed', `Error: ${err.message}`, c);
    st.waiting = { reason: 'RunContainerError', message: err.message };
    ctx.deps.backoff.restarted(bkey);
    ctx.resyncIn(ctx.deps.backoff.restartAt(bkey, now, now).delayMs);
    return undefined;
  }
  ctx.event('Normal', 'Created', `Created container ${c.name}`, c);
  ctx.event('Normal', 'Started', `Started container ${c.name}`, c);
  st.id = id;
  st.waiting = undefined;
  st.started = !c.startupProbe;
  st.ready = !c.readinessProbe;
  if (c.lifecycle?.postStart) {
    const r = await runProbe({ ...c.lifecycle.postStart, timeoutSeconds: 30 } as Probe, c, { runtime: rt, containerId: id, podIP: ctx.sandbox()?.ip ?? '' }).catch((e: Error) => ({ ok: false, message: e.message }));
    if (!r.ok) {
      ctx.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${r.message}`, c);
      st.killedFor = 'postStart';
      await rt.stopContainer(id, ctx.pod.spec?.terminationGracePeriodSeconds ?? 30);
    }
  }
  startProbeLoops(c, st, id, {
    clock: ctx.deps.clock,
    runtime: rt,
    podIP: () => ctx.sandbox()?.ip ?? '',
    active: () => ctx.active(),
    podGraceSeconds: () => ctx.pod.spec?.terminationGracePeriodSeconds ?? 30,
    event: (type, reason, message) => ctx.event(type, reason, message, c),
    requestSync: () => ctx.requestSync(),
  });
  return rt.containerStatus(id);
}

/** CreateContainerConfigError: an event when the message changes, then a retry after back-off. */
function configFailed(ctx: StartContext, c: Container, st: CState, bkey: string, now: number, err: ContainerConfigError): undefined {
  if (st.waiting?.message !== err.message) ctx.event('Warning', 'Failed', `Error: ${err.message}`, c);
  st.waiting = { reason: 'CreateContainerConfigError', message: err.message };
  ctx.deps.backoff.restarted(bkey);
  ctx.resyncIn(ctx.deps.backoff.restartAt(bkey, now, now).delayMs);
  return undefined;
}
