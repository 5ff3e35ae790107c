import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import type { Container } from './container.js';
import { fe } from './field-errors.js';
import { computeQOSClass } from './pod-qos.js';
import { podRow as computePodRow, type PodRow } from './pod-printer.js';
import { PodSpecSchema } from './pod-spec.js';
import { PodStatusSchema } from './pod-status.js';
import { validatePodSpecUpdate } from './pod-update.js';
import { validateEphemeralContainersUpdate } from './pod-ephemeral-containers.js';

/**
 * Pod-only defaults (Kubernetes' SetDefaults_Pod, which templates do not get): requests
 * default to limits, enableServiceLinks to true, and host-network ports to hostPort =
 * containerPort.
 */
function applyPodDefaults(pod: { spec?: Infer<typeof PodSpecSchema>; status?: Infer<typeof PodStatusSchema> }): void {
  const spec = pod.spec;
  if (!spec) return;
  const containers: Container[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  for (const c of containers) {
    const limits = c.resources?.limits;
    if (!limits || Object.keys(limits).length === 0) continue;
    const requests = (c.resources!.requests ??= {});
    for (const [name, q] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = q;
  }
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
  if (spec.hostNetwork) {
    for (const c of containers) for (const p of c.ports ?? []) if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort;
  }
  // kube-apiserver's pod strategy gives a new pod phase Pending and its QoS class; doing it
  // here (idempotently) means every stored pod carries them.
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
  pod.status.qosClass ??= computeQOSClass(spec);
}

export const PodSchema = object(
  'Pod',
  'One or more containers scheduled together onto a node, sharing network and storage.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
    spec: f(2, t.object(() => PodSpecSchema), 'Desired state of the pod.'),
    status: f(3, t.object(() => PodStatusSchema), 'Observed state of the pod.'),
  },
  { applyDefaults: applyPodDefaults },
);
export type Pod = Infer<typeof PodSchema>;

/**
 * Create- and update-time rules beyond the spec's own (ValidatePodCreate / ValidatePodUpdate,
 * and ValidatePodEphemeralContainersUpdate for an update through pods/ephemeralcontainers).
 */
export function validatePod(pod: Pod, old?: Pod, subresource?: string): SchemaFieldError[] {
  if (!old) {
    if ((pod.spec?.ephemeralContainers ?? []).length > 0) return [fe.forbidden('spec.ephemeralContainers', 'cannot be set on create')];
    return [];
  }
  if (subresource === 'ephemeralcontainers') return validateEphemeralContainersUpdate(pod, old);
  if (!pod.spec || !old.spec) return [];
  return validatePodSpecUpdate(pod.spec, old.spec, 'spec');
}

/** The printer computes all cells at once; remember the last row per object and clock. */
const rowCache = new WeakMap<object, { now: number; row: PodRow }>();
function podRow(p: Pod, now: Date): PodRow {
  const hit = rowCache.get(p);
  if (hit && hit.now === now.getTime()) return hit.row;
  const row = computePodRow(p, now);
  rowCache.set(p, { now: now.getTime(), row });
  return row;
}

export const PodKind = kind<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  schema: PodSchema,
  protoName: 'k8s.io.api.core.v1.Pod',
  subresources: { status: true },
  validate: validatePod,
  fieldSelectors: {
    'spec.nodeName': (p) => p.spec?.nodeName ?? '',
    'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
    'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
    'status.phase': (p) => p.status?.phase ?? '',
    'status.podIP': (p) => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? '',
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
  },
  printerColumns: [
    { name: 'Ready', type: 'string', description: 'Ready containers out of all containers.', value: (p, now) => podRow(p, now).ready },
    { name: 'Status', type: 'string', description: 'The most telling reason for the pod’s state.', value: (p, now) => podRow(p, now).status },
    { name: 'Restarts', type: 'string', description: 'Container restarts, with the time since the last one.', value: (p, now) => podRow(p, now).restarts },
    ageColumn<Pod>(),
    { name: 'IP', type: 'string', priority: 1, description: 'The pod’s IP address.', value: (p, now) => podRow(p, now).ip },
    { name: 'Node', type: 'string', priority: 1, description: 'The node the pod is bound to.', value: (p, now) => podRow(p, now).node },
    {
      name: 'Nominated Node',
      type: 'string',
      priority: 1,
      description: 'The node where preemption is making room for the pod.',
      value: (p, now) => podRow(p, now).nominatedNode,
    },
    {
      name: 'Readiness Gates',
      type: 'string',
      priority: 1,
      description: 'True readiness gates out of all readiness gates.',
      value: (p, now) => podRow(p, now).readinessGates,
    },
  ],
});
