import { f, object, t, type Infer } from '../../schema/dsl.js';
import { embedded, ptr } from './embedded.js';
import { EnvFromSourceSchema, EnvVarSchema } from './env.js';
import { LifecycleSchema, ProbeSchema } from './probe.js';
import { ContainerResizePolicySchema, ResourceRequirementsSchema } from './resources.js';
import { SecurityContextSchema } from './security-context.js';

export const ContainerPortSchema = object('ContainerPort', 'A network port a container listens on.', {
  name: f(1, t.string(), 'IANA service name for the port, unique within the pod; referable by Services.'),
  hostPort: f(2, t.int32(), 'Port to expose on the host; rarely needed.'),
  containerPort: f(3, t.int32(), 'Port number on the pod’s IP address.', { required: true }),
  protocol: f(4, t.enum('TCP', 'UDP', 'SCTP'), 'Transport protocol.', { default: 'TCP' }),
  hostIP: f(5, t.string(), 'Host IP to bind the host port to.'),
});
export type ContainerPort = Infer<typeof ContainerPortSchema>;

export const VolumeMountSchema = object('VolumeMount', 'Where a pod volume appears inside a container.', {
  name: f(1, t.string(), 'Name of the pod volume.', { required: true }),
  readOnly: f(2, t.bool(), 'Mount read-only.'),
  mountPath: f(3, t.string(), 'Path inside the container; must not contain ":".', { required: true }),
  subPath: f(4, t.string(), 'Sub-path of the volume to mount instead of its root.'),
  mountPropagation: ptr(f(5, t.enum('None', 'HostToContainer', 'Bidirectional'), 'How mounts propagate between host and container.')),
  subPathExpr: f(6, t.string(), 'Like subPath, with $(VAR) expanded from the container’s environment.'),
  recursiveReadOnly: ptr(f(7, t.enum('Disabled', 'IfPossible', 'Enabled'), 'Whether read-only applies recursively to sub-mounts.')),
});
export type VolumeMount = Infer<typeof VolumeMountSchema>;

export const VolumeDeviceSchema = object('VolumeDevice', 'A raw block volume mapped into a container.', {
  name: f(1, t.string(), 'Name of a persistentVolumeClaim volume of the pod.', { required: true }),
  devicePath: f(2, t.string(), 'Device path inside the container.', { required: true }),
});

/**
 * Kubernetes' default pull policy: Always for ':latest' or an untagged image, else
 * IfNotPresent (a digest-pinned image has no tag and so is IfNotPresent).
 */
export function defaultImagePullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon === -1 ? 'latest' : lastSegment.slice(colon + 1);
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Field declarations shared by Container and EphemeralContainer (same names and numbers). */
function containerFields() {
  return {
    name: f(1, t.string(), 'Container name (DNS label), unique among all containers of the pod.', { required: true }),
    image: f(2, t.string(), 'Container image reference.'),
    command: f(3, t.list(t.string()), 'Entrypoint; replaces the image’s ENTRYPOINT. Not run in a shell.'),
    args: f(4, t.list(t.string()), 'Arguments; replace the image’s CMD.'),
    workingDir: f(5, t.string(), 'Working directory of the entrypoint.'),
    ports: f(6, t.list(t.object(() => ContainerPortSchema), { listType: 'map', listMapKeys: ['containerPort', 'protocol'] }), 'Ports the container exposes.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'containerPort',
    }),
    env: f(7, t.list(t.object(() => EnvVarSchema), { listType: 'map', listMapKeys: ['name'] }), 'Environment variables.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    }),
    resources: f(8, t.object(() => ResourceRequirementsSchema), 'Compute resources requested and allowed.'),
    volumeMounts: f(9, t.list(t.object(() => VolumeMountSchema), { listType: 'map', listMapKeys: ['mountPath'] }), 'Pod volumes mounted into the container.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'mountPath',
    }),
    livenessProbe: f(10, t.object(() => ProbeSchema), 'Restart the container when this check fails.'),
    readinessProbe: f(11, t.object(() => ProbeSchema), 'Take the pod out of Service endpoints when this check fails.'),
    lifecycle: f(12, t.object(() => LifecycleSchema), 'Hooks run after start and before stop.'),
    terminationMessagePath: f(13, t.string(), 'File whose contents become the termination message.', { default: '/dev/termination-log' }),
    imagePullPolicy: f(14, t.enum('Always', 'Never', 'IfNotPresent'), 'When the image is pulled.'),
    securityContext: f(15, t.object(() => SecurityContextSchema), 'Security settings of the container.'),
    stdin: f(16, t.bool(), 'Keep a stdin buffer open for attach.'),
    stdinOnce: f(17, t.bool(), 'Close stdin after the first attach session ends.'),
    tty: f(18, t.bool(), 'Allocate a TTY; needs stdin.'),
    envFrom: f(19, t.list(t.object(() => EnvFromSourceSchema)), 'ConfigMaps and Secrets whose keys become variables.'),
    terminationMessagePolicy: f(20, t.enum('File', 'FallbackToLogsOnError'), 'How the termination message is obtained.', { default: 'File' }),
    volumeDevices: f(21, t.list(t.object(() => VolumeDeviceSchema), { listType: 'map', listMapKeys: ['devicePath'] }), 'Raw block devices mapped into the container.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'devicePath',
    }),
    startupProbe: f(22, t.object(() => ProbeSchema), 'Other probes wait until this check succeeds once.'),
    resizePolicy: f(23, t.list(t.object(() => ContainerResizePolicySchema)), 'How in-place resource resizes are applied.'),
    restartPolicy: ptr(f(24, t.enum('Always'), 'Only on init containers: Always makes it a sidecar.')),
  };
}

const applyContainerDefaults = (c: { image?: string; imagePullPolicy?: string }): void => {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultImagePullPolicy(c.image);
};

export const ContainerSchema = object('Container', 'One application container of a pod.', containerFields(), {
  applyDefaults: applyContainerDefaults,
});
export type Container = Infer<typeof ContainerSchema>;

export const EphemeralContainerSchema = object(
  'EphemeralContainer',
  'A temporary container added to a running pod, e.g. for debugging.',
  {
    ...embedded(1, 'EphemeralContainerCommon', containerFields()),
    targetContainerName: f(2, t.string(), 'Container whose namespaces this one joins.'),
  },
  { applyDefaults: applyContainerDefaults },
);
export type EphemeralContainer = Infer<typeof EphemeralContainerSchema>;
