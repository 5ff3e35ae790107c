import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { fe } from './field-errors.js';
import { isValidLabelValue } from '../../../machinery/names.js';
import { resourceList } from './resources.js';
import { TaintSchema } from './toleration.js';

export const NodeSpecSchema = object('NodeSpec', 'Desired state of a node.', {
  podCIDR: f(1, t.string(), 'Pod IP range of the node.'),
  externalID: f(2, t.string(), 'Deprecated; not set by current kubelets.'),
  providerID: f(3, t.string(), 'Cloud provider ID, as <provider>://<id>.'),
  unschedulable: f(4, t.bool(), 'Keep new pods off the node (cordon).'),
  taints: f(5, t.list(t.object(() => TaintSchema)), 'Taints repelling pods that do not tolerate them.'),
  podCIDRs: f(7, t.list(t.string(), { listType: 'set' }), 'Pod IP ranges of the node (one per family); the first equals podCIDR.', {
    patchStrategy: ['merge'],
  }),
});

export const NodeConditionSchema = object('NodeCondition', 'One aspect of a node’s health (Ready, MemoryPressure…).', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastHeartbeatTime: f(3, t.time(), 'When the kubelet last reported the condition.'),
  lastTransitionTime: f(4, t.time(), 'When the status last changed.'),
  reason: f(5, t.string(), 'Machine-readable reason for the last change.'),
  message: f(6, t.string(), 'Human-readable details.'),
});
export type NodeCondition = Infer<typeof NodeConditionSchema>;

export const NodeAddressSchema = object('NodeAddress', 'One address of a node.', {
  type: f(1, t.string(), 'Address type: Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.', { required: true }),
  address: f(2, t.string(), 'The address.', { required: true }),
});

export const DaemonEndpointSchema = object('DaemonEndpoint', 'A port a node daemon listens on.', {
  // The JSON name is capitalised for historical reasons (Kubernetes keeps it for compatibility).
  Port: f(1, t.int32(), 'Port number.', { required: true }),
});

export const NodeDaemonEndpointsSchema = object('NodeDaemonEndpoints', 'Ports of daemons running on the node.', {
  kubeletEndpoint: f(1, t.object(() => DaemonEndpointSchema), 'Where the kubelet listens.'),
});

export const NodeSystemInfoSchema = object('NodeSystemInfo', 'Identity and software versions of a node.', {
  machineID: f(1, t.string(), 'Machine ID (/etc/machine-id).', { default: '' }),
  systemUUID: f(2, t.string(), 'System UUID.', { default: '' }),
  bootID: f(3, t.string(), 'Boot ID.', { default: '' }),
  kernelVersion: f(4, t.string(), 'Kernel version (uname -r).', { default: '' }),
  osImage: f(5, t.string(), 'OS image from /etc/os-release.', { default: '' }),
  containerRuntimeVersion: f(6, t.string(), 'Container runtime and version, e.g. containerd://1.7.2.', { default: '' }),
  kubeletVersion: f(7, t.string(), 'Kubelet version.', { default: '' }),
  kubeProxyVersion: f(8, t.string(), 'Deprecated kube-proxy version.', { default: '' }),
  operatingSystem: f(9, t.string(), 'Operating system, e.g. linux.', { default: '' }),
  architecture: f(10, t.string(), 'CPU architecture, e.g. amd64.', { default: '' }),
});

export const ContainerImageSchema = object('ContainerImage', 'An image present on a node.', {
  names: f(1, t.list(t.string()), 'Names the image is known by.'),
  sizeBytes: f(2, t.int64(), 'Size of the image in bytes.'),
});

export const AttachedVolumeSchema = object('AttachedVolume', 'A volume attached to a node.', {
  name: f(1, t.string(), 'Unique name of the volume.', { required: true }),
  devicePath: f(2, t.string(), 'Where the device is available.', { required: true }),
});

export const NodeRuntimeHandlerFeaturesSchema = object('NodeRuntimeHandlerFeatures', 'Features of a runtime handler.', {
  recursiveReadOnlyMounts: f(1, t.bool(), 'Supports recursive read-only mounts.', { pointer: true }),
  userNamespaces: f(2, t.bool(), 'Supports user namespaces.', { pointer: true }),
});

export const NodeRuntimeHandlerSchema = object('NodeRuntimeHandler', 'A runtime handler available on the node.', {
  name: f(1, t.string(), 'Handler name; empty for the default.'),
  features: f(2, t.object(() => NodeRuntimeHandlerFeaturesSchema), 'Supported features.'),
});

export const NodeFeaturesSchema = object('NodeFeatures', 'Features the node’s container runtime implements.', {
  supplementalGroupsPolicy: f(1, t.bool(), 'Supports the supplementalGroupsPolicy field.', { pointer: true }),
});

export const NodeStatusSchema = object(
  'NodeStatus',
  'Observed state of a node, reported by its kubelet.',
  {
    capacity: f(1, resourceList(), 'Total resources of the node.'),
    allocatable: f(2, resourceList(), 'Resources available to pods; defaults to capacity.'),
    phase: f(3, t.string(), 'Deprecated; never set.'),
    conditions: f(4, t.list(t.object(() => NodeConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Current conditions.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'type',
    }),
    addresses: f(5, t.list(t.object(() => NodeAddressSchema), { listType: 'map', listMapKeys: ['type'] }), 'Addresses of the node.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'type',
    }),
    daemonEndpoints: f(6, t.object(() => NodeDaemonEndpointsSchema), 'Ports of node daemons.'),
    nodeInfo: f(7, t.object(() => NodeSystemInfoSchema), 'Identity and versions.'),
    images: f(8, t.list(t.object(() => ContainerImageSchema)), 'Images present on the node.'),
    volumesInUse: f(9, t.list(t.string()), 'Attachable volumes mounted on the node.'),
    volumesAttached: f(10, t.list(t.object(() => AttachedVolumeSchema)), 'Volumes attached to the node.'),
    runtimeHandlers: f(12, t.list(t.object(() => NodeRuntimeHandlerSchema)), 'Runtime handlers available.'),
    features: f(13, t.object(() => NodeFeaturesSchema), 'Features of the container runtime.'),
  },
  {
    // SetDefaults_NodeStatus: allocatable defaults to capacity.
    applyDefaults: (s) => {
      if (s.allocatable === undefined && s.capacity !== undefined) s.allocatable = { ...s.capacity };
    },
  },
);

export const NodeSchema = object('Node', 'A machine that runs pods.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => NodeSpecSchema), 'Desired state of the node.'),
  status: f(3, t.object(() => NodeStatusSchema), 'Observed state of the node.'),
});
export type Node = Infer<typeof NodeSchema>;

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** Roles from node-role.kubernetes.io/<role> labels and kubernetes.io/role, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

/** STATUS cell: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const address = (node: Node, type: string): string => (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
const orUnknown = (s: string | undefined): string => (s ? s : '<unknown>');

/** Node spec rules: valid taints; podCIDR and providerID may only go from empty to set. */
export function validateNode(node: Node, old?: Node): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const seen = new Set<string>();
  (node.spec?.taints ?? []).forEach((taint, i) => {
    const pair = `${taint.key ?? ''}\u0000${taint.effect ?? ''}`;
    if (seen.has(pair)) errs.push({ ...fe.duplicate(`spec.taints[${i}]`, taint), message: 'taints must be unique by key and effect pair' });
    seen.add(pair);
    if (taint.value) for (const msg of isValidLabelValue(taint.value)) errs.push(fe.invalid(`spec.taints[${i}].value`, taint.value, msg));
  });
  if (old) {
    const oldCidrs = old.spec?.podCIDRs ?? [];
    const newCidrs = node.spec?.podCIDRs ?? [];
    if (oldCidrs.length > 0 && JSON.stringify(oldCidrs) !== JSON.stringify(newCidrs)) {
      errs.push(fe.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
    }
    const oldProvider = old.spec?.providerID ?? '';
    if (oldProvider !== '' && oldProvider !== (node.spec?.providerID ?? '')) {
      errs.push(fe.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
    }
  }
  return errs;
}

export const NodeKind = kind<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  schema: NodeSchema,
  protoName: 'k8s.io.api.core.v1.Node',
  subresources: { status: true },
  validate: validateNode,
  fieldSelectors: { 'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false) },
  printerColumns: [
    { name: 'Status', type: 'string', description: 'Readiness of the node, and whether it is cordoned.', value: (n) => nodeStatus(n) },
    { name: 'Roles', type: 'string', description: 'Roles from node-role labels.', value: (n) => nodeRoles(n).join(',') || '<none>' },
    ageColumn<Node>(),
    { name: 'Version', type: 'string', description: 'Kubelet version.', value: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, description: 'First internal IP.', value: (n) => address(n, 'InternalIP') },
    { name: 'External-IP', type: 'string', priority: 1, description: 'First external IP.', value: (n) => address(n, 'ExternalIP') },
    { name: 'OS-Image', type: 'string', priority: 1, description: 'OS image.', value: (n) => orUnknown(n.status?.nodeInfo?.osImage) },
    { name: 'Kernel-Version', type: 'string', priority: 1, description: 'Kernel version.', value: (n) => orUnknown(n.status?.nodeInfo?.kernelVersion) },
    {
      name: 'Container-Runtime',
      type: 'string',
      priority: 1,
      description: 'Container runtime and version.',
      value: (n) => orUnknown(n.status?.nodeInfo?.containerRuntimeVersion),
    },
  ],
});
