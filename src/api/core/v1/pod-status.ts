import { f, object, t, type Infer } from '../../schema/dsl.js';
import { ptr } from './embedded.js';
import { ResourceRequirementsSchema, resourceList } from './resources.js';

export const ContainerStateWaitingSchema = object('ContainerStateWaiting', 'A container not running yet.', {
  reason: f(1, t.string(), 'Why it is waiting, e.g. ContainerCreating or CrashLoopBackOff.'),
  message: f(2, t.string(), 'Details of the wait.'),
});

export const ContainerStateRunningSchema = object('ContainerStateRunning', 'A running container.', {
  startedAt: f(1, t.time(), 'When the container last started.'),
});

export const ContainerStateTerminatedSchema = object('ContainerStateTerminated', 'A container that has exited.', {
  exitCode: f(1, t.int32(), 'Exit status of the last run.', { required: true, default: 0 }),
  signal: f(2, t.int32(), 'Signal that ended the last run, if any.'),
  reason: f(3, t.string(), 'Why it exited, e.g. Completed, Error or OOMKilled.'),
  message: f(4, t.string(), 'Details of the exit.'),
  startedAt: f(5, t.time(), 'When the last run started.'),
  finishedAt: f(6, t.time(), 'When the last run ended.'),
  containerID: f(7, t.string(), 'Runtime ID, as <type>://<id>.'),
});

export const ContainerStateSchema = object('ContainerState', 'The state of a container: exactly one of waiting, running, terminated.', {
  waiting: f(1, t.object(() => ContainerStateWaitingSchema), 'Details of a waiting container.'),
  running: f(2, t.object(() => ContainerStateRunningSchema), 'Details of a running container.'),
  terminated: f(3, t.object(() => ContainerStateTerminatedSchema), 'Details of an exited container.'),
});
export type ContainerState = Infer<typeof ContainerStateSchema>;

export const VolumeMountStatusSchema = object('VolumeMountStatus', 'How a volume is actually mounted.', {
  name: f(1, t.string(), 'Volume name.', { required: true }),
  mountPath: f(2, t.string(), 'Mount path.', { required: true }),
  readOnly: f(3, t.bool(), 'Whether it is mounted read-only.'),
  recursiveReadOnly: ptr(f(4, t.string(), 'Effective recursive read-only mode.')),
});

export const ContainerStatusSchema = object('ContainerStatus', 'Observed state of one container.', {
  name: f(1, t.string(), 'Container name.', { required: true }),
  state: f(2, t.object(() => ContainerStateSchema), 'Current state.'),
  lastState: f(3, t.object(() => ContainerStateSchema), 'State of the previous run, after a restart.'),
  ready: f(4, t.bool(), 'Whether the container passes its readiness check.', { required: true, default: false }),
  restartCount: f(5, t.int32(), 'Times the container has been restarted.', { required: true, default: 0 }),
  image: f(6, t.string(), 'Image the container runs.', { required: true, default: '' }),
  imageID: f(7, t.string(), 'Resolved image ID.', { required: true, default: '' }),
  containerID: f(8, t.string(), 'Runtime ID, as <type>://<id>.'),
  started: ptr(f(9, t.bool(), 'Whether the container has passed postStart and its startup probe.')),
  allocatedResources: f(10, resourceList(), 'Resources the node allocated to the container.'),
  resources: f(11, t.object(() => ResourceRequirementsSchema), 'Resources actually applied to the container.'),
  volumeMounts: f(12, t.list(t.object(() => VolumeMountStatusSchema), { listType: 'map', listMapKeys: ['mountPath'] }), 'Mounts as applied.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'mountPath',
  }),
});
export type ContainerStatus = Infer<typeof ContainerStatusSchema>;

export const PodConditionSchema = object('PodCondition', 'One aspect of a pod’s state (PodScheduled, Initialized, ContainersReady, Ready…).', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastProbeTime: f(3, t.time(), 'When the condition was last probed.'),
  lastTransitionTime: f(4, t.time(), 'When the status last changed.'),
  reason: f(5, t.string(), 'Machine-readable reason for the last change.'),
  message: f(6, t.string(), 'Human-readable details.'),
});
export type PodCondition = Infer<typeof PodConditionSchema>;

export const PodIPSchema = object('PodIP', 'One IP address of the pod.', {
  ip: f(1, t.string(), 'The address.', { required: true }),
});

export const HostIPSchema = object('HostIP', 'One IP address of the pod’s node.', {
  ip: f(1, t.string(), 'The address.', { required: true }),
});

export const PodResourceClaimStatusSchema = object('PodResourceClaimStatus', 'The ResourceClaim generated for a pod claim.', {
  name: f(1, t.string(), 'Name of the pod resource claim.', { required: true }),
  resourceClaimName: ptr(f(2, t.string(), 'Name of the generated ResourceClaim.')),
});

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

const podStatusFields = {
  phase: f(1, t.enum(...POD_PHASES), 'High-level lifecycle phase.'),
  conditions: f(2, t.list(t.object(() => PodConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Current conditions.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
  message: f(3, t.string(), 'Human-readable reason for the pod’s state.'),
  reason: f(4, t.string(), 'CamelCase reason for the pod’s state, e.g. Evicted.'),
  hostIP: f(5, t.string(), 'Primary IP of the node.'),
  podIP: f(6, t.string(), 'Primary IP of the pod.'),
  startTime: f(7, t.time(), 'When the kubelet acknowledged the pod.'),
  containerStatuses: f(8, t.list(t.object(() => ContainerStatusSchema)), 'One entry per container.'),
  qosClass: f(9, t.enum('Guaranteed', 'Burstable', 'BestEffort'), 'Quality-of-service class from the resource requests.'),
  initContainerStatuses: f(10, t.list(t.object(() => ContainerStatusSchema)), 'One entry per init container.'),
  nominatedNodeName: f(11, t.string(), 'Node where preemption is making room for the pod.'),
  podIPs: f(12, t.list(t.object(() => PodIPSchema), { listType: 'map', listMapKeys: ['ip'] }), 'All pod IPs; the first equals podIP.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'ip',
  }),
  ephemeralContainerStatuses: f(13, t.list(t.object(() => ContainerStatusSchema)), 'One entry per ephemeral container.'),
  resize: f(14, t.string(), 'Progress of an in-place resource resize.'),
  resourceClaimStatuses: f(15, t.list(t.object(() => PodResourceClaimStatusSchema), { listType: 'map', listMapKeys: ['name'] }), 'Generated resource claims.', {
    patchStrategy: ['merge', 'retainKeys'],
    patchMergeKey: 'name',
  }),
  hostIPs: f(16, t.list(t.object(() => HostIPSchema)), 'All node IPs; the first equals hostIP.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'ip',
  }),
};

/**
 * podIP/podIPs and hostIP/hostIPs are two views of one value; like kube-apiserver's v1
 * conversion, fill whichever side a writer left out.
 */
function syncIPs(s: { podIP?: string; podIPs?: { ip?: string }[]; hostIP?: string; hostIPs?: { ip?: string }[] }): void {
  if (s.podIP && !(s.podIPs && s.podIPs.length > 0)) s.podIPs = [{ ip: s.podIP }];
  else if (!s.podIP && s.podIPs?.[0]?.ip) s.podIP = s.podIPs[0].ip;
  if (s.hostIP && !(s.hostIPs && s.hostIPs.length > 0)) s.hostIPs = [{ ip: s.hostIP }];
  else if (!s.hostIP && s.hostIPs?.[0]?.ip) s.hostIP = s.hostIPs[0].ip;
}

export const PodStatusSchema = object('PodStatus', 'Observed state of a pod, written by the kubelet and the scheduler.', podStatusFields, {
  applyDefaults: syncIPs,
});
export type PodStatus = Infer<typeof PodStatusSchema>;
