/**
 * Carrying out an eviction: the pod's worker lets go of it, its containers are stopped
 * with the eviction's grace period, and its status becomes Failed/Evicted with a
 * DisruptionTarget condition (as upstream 1.26+), plus a Warning event.
 */
import type { Pod } from '../../api/core/v1/pod.js';
import type { PodStatus } from '../../api/core/v1/pod-status.js';
import type { Logger } from '../../client/logger.js';
import type { Runtime } from '../runtime.js';
import type { EvictionChoice } from './decide.js';
import { EVICTED_REASON } from './message.js';

type Condition = NonNullable<PodStatus['conditions']>[number];
type ContainerStatusApi = NonNullable<PodStatus['containerStatuses']>[number];

/**
 * The status an evicted pod is left with: phase Failed, reason Evicted, the message; Ready
 * and ContainersReady False; DisruptionTarget True (reason TerminationByKubelet); running
 * containers terminated by the kill (137) with reason Evicted. Upstream kubelets since 1.22
 * sync a reason like Error there, which makes `kubectl get pod` print that instead of
 * Evicted (kubernetes#105467); naming the cause keeps STATUS "Evicted" and stays true.
 * Other conditions keep their times.
 */
export function evictedStatus(pod: Pod, message: string, nowIso: string): PodStatus {
  const old = pod.status ?? {};
  const set = (conds: Condition[], c: Condition): Condition[] => {
    const prev = conds.find((x) => x.type === c.type);
    const merged = prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
    return [...conds.filter((x) => x.type !== c.type), merged];
  };
  let conditions: Condition[] = [...(old.conditions ?? [])];
  conditions = set(conditions, { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastTransitionTime: nowIso } as Condition);
  conditions = set(conditions, { type: 'Ready', status: 'False', reason: 'PodFailed', lastTransitionTime: nowIso } as Condition);
  conditions = set(conditions, { type: 'ContainersReady', status: 'False', reason: 'PodFailed', lastTransitionTime: nowIso } as Condition);
  const terminate = (s: ContainerStatusApi): ContainerStatusApi => {
    const running = s.state?.running;
    if (!running) return { ...s, ready: false };
    return { ...s, ready: false, ...(s.started !== undefined ? { started: false } : {}), state: { terminated: { exitCode: 137, reason: EVICTED_REASON, startedAt: running.startedAt, finishedAt: nowIso, ...(s.containerID ? { containerID: s.containerID } : {}) } } } as ContainerStatusApi;
  };
  return {
    ...old,
    phase: 'Failed',
    reason: EVICTED_REASON,
    message,
    conditions,
    ...(old.containerStatuses ? { containerStatuses: old.containerStatuses.map(terminate) } : {}),
    ...(old.initContainerStatuses ? { initContainerStatuses: old.initContainerStatuses.map(terminate) } : {}),
  } as PodStatus;
}

export interface PodEvictorDeps {
  runtime: Pick<Runtime, 'listPodSandboxes' | 'listContainers' | 'stopContainer' | 'stopPodSandbox'>;
  /** Stops the pod's worker, so nothing restarts its containers or reports a status over ours. */
  releaseWorker: (uid: string) => void;
  patchStatus: (pod: Pod, status: PodStatus) => Promise<void>;
  event: (pod: Pod, type: 'Warning', reason: string, message: string) => void;
  now: () => string;
  logger: Logger;
}

/** Kills the chosen pod and records the eviction; resolves once its containers are stopped and the status written. */
export async function evictPod(deps: PodEvictorDeps, choice: EvictionChoice): Promise<void> {
  const { pod, gracePeriodSeconds, message } = choice;
  const uid = pod.metadata?.uid ?? '';
  deps.releaseWorker(uid);
  deps.event(pod, 'Warning', EVICTED_REASON, message);
  for (const sandbox of await deps.runtime.listPodSandboxes()) {
    if (sandbox.config.uid !== uid) continue;
    for (const c of await deps.runtime.listContainers({ sandboxId: sandbox.id })) {
      if (c.state === 'running') await deps.runtime.stopContainer(c.id, gracePeriodSeconds).catch((err: unknown) => deps.logger.warn('stopping an evicted container failed', { pod: uid, container: c.name, error: String(err) }));
    }
    await deps.runtime.stopPodSandbox(sandbox.id).catch((err: unknown) => deps.logger.warn('stopping an evicted pod sandbox failed', { pod: uid, error: String(err) }));
  }
  await deps.patchStatus(pod, evictedStatus(pod, message, deps.now()));
}

/** Removes what the runtime keeps of a pod (its stopped sandboxes): for an evicted pod, once it is deleted. */
export async function removeSandboxesOf(runtime: Pick<Runtime, 'listPodSandboxes' | 'removePodSandbox'>, uid: string): Promise<void> {
  for (const sandbox of await runtime.listPodSandboxes()) if (sandbox.config.uid === uid) await runtime.removePodSandbox(sandbox.id);
}
