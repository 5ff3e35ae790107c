/**
 * The PodStatus Kubernetes reports for a pod, built from what its worker knows of each
 * container (restart count, waiting reason, probe results) and what the runtime says of
 * its current and last instances: phase, conditions, container statuses (ephemeral
 * containers' too, which count for neither phase nor readiness; sidecars count for
 * readiness but not the phase, which the app containers decide).
 */
import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { ContainerStatus as ApiContainerStatus, PodCondition, PodStatus } from '../api/core/v1/pod-status.js';
import { rfc3339 } from '../client/micro-time.js';
import { ephemeralContainers } from './ephemeral-containers.js';
import { isSidecar } from './pod-sidecars.js';
import type { ContainerStatus, PodSandbox } from './runtime.js';

export type Policy = 'Always' | 'OnFailure' | 'Never';

export function shouldRestart(policy: Policy, exitCode: number | undefined): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** What the worker knows of one container of the pod. */
export interface ContainerView {
  restartCount: number;
  waiting?: { reason: string; message?: string } | undefined;
  ready: boolean;
  started: boolean;
  /** The previous instance (lastState). */
  last?: ContainerStatus | undefined;
  /** The runtime's status of the current instance, if there is one. */
  cur?: ContainerStatus | undefined;
}

export interface PodStatusInput {
  pod: Pod;
  runtimeName: string;
  now(): number;
  hostIP: string;
  sandbox: PodSandbox | undefined;
  /** The pod has reached Succeeded or Failed: its sandbox is stopped. */
  terminal: boolean;
  startTime: string | undefined;
  initDone: boolean;
  initFailed: boolean;
  policy: Policy;
  view(name: string): Promise<ContainerView>;
}

export async function buildPodStatus(i: PodStatusInput): Promise<PodStatus> {
  const ts = (ms: number | undefined): string => rfc3339(ms ?? i.now());
  const cid = (id: string): string => `${i.runtimeName}://${id}`;
  const terminated = (s: ContainerStatus) => ({
    exitCode: s.exitCode ?? 0,
    reason: s.reason ?? (s.exitCode === 0 ? 'Completed' : 'Error'),
    ...(s.message ? { message: s.message } : {}),
    startedAt: ts(s.startedAt),
    finishedAt: ts(s.finishedAt),
    containerID: cid(s.id),
  });
  const one = async (c: Container, isInit: boolean): Promise<{ status: ApiContainerStatus; cur?: ContainerStatus }> => {
    const st = await i.view(c.name ?? '');
    const cur = st.cur;
    let state: ApiContainerStatus['state'];
    if (st.waiting) state = { waiting: st.waiting };
    else if (cur?.state === 'running') state = { running: { startedAt: ts(cur.startedAt) } };
    else if (cur?.state === 'exited') state = { terminated: terminated(cur) };
    else state = { waiting: { reason: isInit || i.initDone ? 'ContainerCreating' : 'PodInitializing' } };
    const status: ApiContainerStatus = {
      name: c.name ?? '',
      // The image the current instance was started from: after a spec change it is the new
      // one only once the container has been restarted (upstream takes it from the runtime).
      image: cur?.image ?? c.image ?? '',
      imageID: '',
      ...(cur ? { containerID: cid(cur.id) } : {}),
      // Of init containers, only sidecars are ever ready (from their readinessProbe).
      ready: (!isInit || isSidecar(c)) && cur?.state === 'running' && st.ready && st.started,
      started: cur?.state === 'running' && st.started,
      restartCount: st.restartCount,
      state,
      lastState: st.last ? { terminated: terminated(st.last) } : {},
    } as ApiContainerStatus;
    return { status, ...(cur ? { cur } : {}) };
  };
  const inits = await Promise.all((i.pod.spec?.initContainers ?? []).map((c) => one(c, true)));
  const apps = await Promise.all((i.pod.spec?.containers ?? []).map((c) => one(c, false)));
  // Never ready (as init containers), and without `started`: upstream's prober does not track them.
  const ephemerals = await Promise.all(ephemeralContainers(i.pod).map(async ({ container }) => {
    const { started: _started, ...status } = (await one(container, true)).status;
    return status as ApiContainerStatus;
  }));
  let phase: string;
  if (i.initFailed) phase = 'Failed';
  else if (!i.initDone) phase = 'Pending';
  else if (apps.some((a) => a.cur?.state === 'running')) phase = 'Running';
  else if (apps.every((a) => a.cur?.state === 'exited' && !shouldRestart(i.policy, a.cur.exitCode))) phase = apps.every((a) => a.cur?.exitCode === 0) ? 'Succeeded' : 'Failed';
  else if (apps.some((a) => !a.cur && a.status.restartCount === 0)) phase = 'Pending';
  else phase = 'Running';
  // Sidecars count for the pod's readiness, listed first among the unready, as upstream.
  const sidecars = inits.filter((_, n) => isSidecar(i.pod.spec?.initContainers?.[n]));
  const ready = i.initDone && apps.every((a) => a.status.ready) && sidecars.every((a) => a.status.ready);
  const old = i.pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const prev = old.find((c) => c.type === type);
    return { type, status, lastProbeTime: null, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : ts(undefined), ...(!ok && reason ? { reason } : {}) } as unknown as PodCondition;
  };
  const notReady = [...sidecars, ...apps].filter((a) => !a.status.ready).map((a) => a.status.name);
  const conditions: PodCondition[] = [
    cond('PodReadyToStartContainers', !!i.sandbox && i.sandbox.state === 'ready' && !i.terminal),
    cond('Initialized', i.initDone, 'ContainersNotInitialized'),
    { ...cond('Ready', ready, phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady'), ...(!ready && notReady.length ? { message: `containers with unready status: [${notReady.join(' ')}]` } : {}) },
    { ...cond('ContainersReady', ready, phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady'), ...(!ready && notReady.length ? { message: `containers with unready status: [${notReady.join(' ')}]` } : {}) },
    ...old.filter((c) => c.type === 'PodScheduled'),
  ];
  const ip = i.sandbox?.ip ?? '';
  return {
    phase,
    conditions,
    hostIP: i.hostIP,
    hostIPs: [{ ip: i.hostIP }],
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
    ...(i.startTime ? { startTime: i.startTime } : {}),
    ...(inits.length ? { initContainerStatuses: inits.map((x) => x.status) } : {}),
    containerStatuses: apps.map((a) => a.status),
    ...(ephemerals.length ? { ephemeralContainerStatuses: ephemerals } : {}),
    qosClass: i.pod.status?.qosClass ?? 'BestEffort',
  } as PodStatus;
}
