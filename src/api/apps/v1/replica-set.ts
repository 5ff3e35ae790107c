import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { PodTemplateSpecSchema } from '../../core/v1/pod-template.js';
import { LabelSelectorSchema, ObjectMetaSchema, ageColumn, containerCells, formatLabelSelector, nonNegative } from '../../meta/v1/index.js';
import { validateSelectorAndTemplate } from './workload-template.js';

export const ReplicaSetSpecSchema = object(
  'ReplicaSetSpec',
  'Desired state of a ReplicaSet.',
  {
    replicas: f(1, t.int32(), 'Desired number of pods.', { default: 1, pointer: true, validate: (v, p) => nonNegative(v, p) }),
    minReadySeconds: f(4, t.int32(), 'Seconds a new pod must be ready before it counts as available.', { validate: (v, p) => nonNegative(v, p) }),
    selector: f(2, t.object(() => LabelSelectorSchema), 'Selects the pods this ReplicaSet counts; must match the template’s labels.', {
      required: true,
      immutable: true,
    }),
    template: f(3, t.object(() => PodTemplateSpecSchema), 'The pods to create when too few exist.'),
  },
  { validate: (s, path) => validateSelectorAndTemplate(s, path, { kindWord: 'deployment', kindName: 'ReplicaSet' }) },
);
export type ReplicaSetSpec = Infer<typeof ReplicaSetSpecSchema>;

export const ReplicaSetConditionSchema = object('ReplicaSetCondition', 'One aspect of a ReplicaSet’s state (ReplicaFailure).', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastTransitionTime: f(3, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'Machine-readable reason.'),
  message: f(5, t.string(), 'Human-readable details.'),
});

export const ReplicaSetStatusSchema = object('ReplicaSetStatus', 'Observed state of a ReplicaSet.', {
  replicas: f(1, t.int32(), 'Pods currently selected.', { required: true }),
  fullyLabeledReplicas: f(2, t.int32(), 'Pods whose labels match the template’s.'),
  readyReplicas: f(4, t.int32(), 'Pods that are ready.'),
  availableReplicas: f(5, t.int32(), 'Pods ready for at least minReadySeconds.'),
  observedGeneration: f(3, t.int64(), 'The generation the controller last acted on.'),
  conditions: f(6, t.list(t.object(() => ReplicaSetConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Latest observations.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
});

export const ReplicaSetSchema = object('ReplicaSet', 'Keeps a number of identical pods running.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => ReplicaSetSpecSchema), 'Desired state.'),
  status: f(3, t.object(() => ReplicaSetStatusSchema), 'Observed state.'),
});
export type ReplicaSet = Infer<typeof ReplicaSetSchema>;

export const ReplicaSetKind = kind<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  schema: ReplicaSetSchema,
  protoName: 'k8s.io.api.apps.v1.ReplicaSet',
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
  hasGeneration: true,
  fieldSelectors: { 'status.replicas': (rs) => String(rs.status?.replicas ?? 0) },
  printerColumns: [
    { name: 'Desired', type: 'integer', description: 'Desired pods.', value: (rs) => rs.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', description: 'Pods selected now.', value: (rs) => rs.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', description: 'Ready pods.', value: (rs) => rs.status?.readyReplicas ?? 0 },
    ageColumn(),
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the template’s containers.', value: (rs) => containerCells(rs.spec?.template?.spec?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the template’s containers.', value: (rs) => containerCells(rs.spec?.template?.spec?.containers).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'The pod selector.', value: (rs) => formatLabelSelector(rs.spec?.selector) },
  ],
});
