/**
 * Native sidecars (KEP-753) in the pod worker: init containers with restartPolicy Always.
 * They start in order with the other init containers, but count as done for the next one
 * once started (postStart run, startupProbe passed) rather than exited; they are restarted
 * whenever they exit, whatever the pod's restartPolicy; they stop after the app containers,
 * in reverse order of declaration, as upstream's kuberuntime does.
 */
import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import { isSidecar } from '../api/core/v1/pod-resource-totals.js';
import type { Policy } from './pod-status-builder.js';
import type { Clock } from '../client/clock.js';
import type { ContainerStatus, Runtime } from './runtime.js';

export { isSidecar };

/** What the init sequence needs of the worker. */
export interface InitHost {
  /** Brings a container towards its desired state under `policy` (PodWorker.ensure). */
  ensure(c: Container, policy: Policy): Promise<ContainerStatus | undefined>;
  /** Whether the current instance has started: postStart done and startupProbe passed. */
  started(name: string): boolean;
}

export interface InitProgress {
  /** Every init container completed and every sidecar started: app containers may run. */
  done: boolean;
  /** An ordinary init container failed under restartPolicy Never: the pod fails. */
  failed: boolean;
}

/**
 * One sync's worth of the init sequence. Once the pod is `initialized`, ordinary init
 * containers are left alone and sidecars are only kept running (restarted on exit with
 * back-off): a crashing sidecar does not take the app containers down.
 */
export async function syncInitContainers(inits: readonly Container[], podPolicy: Policy, initialized: boolean, host: InitHost): Promise<InitProgress> {
  for (const c of inits) {
    if (isSidecar(c)) {
      const cur = await host.ensure(c, 'Always');
      if (initialized || (cur?.state === 'running' && host.started(c.name ?? ''))) continue;
      return { done: false, failed: false };
    }
    if (initialized) continue;
    const cur = await host.ensure(c, podPolicy === 'Never' ? 'Never' : 'OnFailure');
    if (cur?.state === 'exited' && cur.exitCode === 0) continue;
    return { done: false, failed: cur?.state === 'exited' && podPolicy === 'Never' };
  }
  return { done: true, failed: false };
}

/** Whether a pod's status says it had initialized (a re-adopted pod keeps its app containers going). */
export function wasInitialized(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
}

/**
 * The order containers are stopped in on termination: everything but the sidecars at
 * once, then the sidecars one by one in reverse order of declaration, so what the app
 * relies on (a proxy, a log shipper) outlives it.
 */
export function terminationWaves(pod: Pod, ephemeral: readonly Container[]): Container[][] {
  const inits = pod.spec?.initContainers ?? [];
  const first = [...inits.filter((c) => !isSidecar(c)), ...(pod.spec?.containers ?? []), ...ephemeral];
  return [first, ...inits.filter(isSidecar).reverse().map((c) => [c])];
}

/** The sidecars of a pod, in reverse order of declaration (how a finished pod stops them). */
export function sidecarsReversed(pod: Pod): Container[] {
  return (pod.spec?.initContainers ?? []).filter(isSidecar).reverse();
}

/**
 * The grace period left for a later wave of a termination that began at `startedMs` with
 * `graceSeconds`: at least 2 s (upstream's minimum), unless the deletion was forced (0).
 */
export function graceLeft(graceSeconds: number, startedMs: number, nowMs: number): number {
  if (graceSeconds === 0) return 0;
  return Math.max(2, graceSeconds - Math.floor((nowMs - startedMs) / 1000));
}

/**
 * Kills the running containers of each wave in turn, a wave's at once, within one grace
 * period shared by all waves; resolves once they have exited, with whether any ran.
 */
export async function stopWaves(
  waves: readonly (readonly Container[])[],
  grace: number,
  k: { clock: Clock; runtime: Pick<Runtime, 'containerStatus'>; idOf(name: string): string | undefined; kill(c: Container, id: string, graceSeconds: number): Promise<void> },
): Promise<boolean> {
  const began = k.clock.now();
  let killed = false;
  for (const wave of waves) {
    await Promise.all(wave.map(async (c) => {
      const id = k.idOf(c.name ?? '');
      if (!id || (await k.runtime.containerStatus(id))?.state !== 'running') return;
      killed = true;
      await k.kill(c, id, graceLeft(grace, began, k.clock.now()));
    }));
  }
  return killed;
}
