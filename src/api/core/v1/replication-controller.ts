import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, containerCells, fieldError, fieldPath, formatLabels, nonNegative } from '../../meta/v1/index.js';
import { PodTemplateSpecSchema, type PodTemplateSpec } from './pod-template.js';

/**
 * Upstream's ValidateReplicationControllerSpec beyond the schema: a non-empty selector, a
 * template whose labels it matches, restartPolicy Always, no activeDeadlineSeconds. The
 * template's PodSpec is validated by the PodSpec hook on `<path>.template.spec`.
 */
function validateReplicationControllerSpec(
  spec: { selector?: Record<string, string>; template?: PodTemplateSpec },
  path: string,
): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const selector = spec.selector ?? {};
  const hasSelector = Object.keys(selector).length > 0;
  if (!hasSelector) errs.push(fieldError.required(fieldPath(path, 'selector')));
  const tplPath = fieldPath(path, 'template');
  const tpl = spec.template;
  if (!tpl) {
    errs.push(fieldError.required(tplPath));
    return errs;
  }
  const labels = tpl.metadata?.labels ?? {};
  if (hasSelector && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(fieldError.invalid(`${tplPath}.metadata.labels`, labels, '`selector` does not match template `labels`'));
  }
  const rp = tpl.spec?.restartPolicy;
  if (rp !== undefined && rp !== 'Always') errs.push(fieldError.notSupported(`${tplPath}.spec.restartPolicy`, rp, ['Always']));
  if (tpl.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(fieldError.forbidden(`${tplPath}.spec.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

export const ReplicationControllerSpecSchema = object(
  'ReplicationControllerSpec',
  'Desired state of a replication controller.',
  {
    replicas: f(1, t.int32(), 'Desired number of pods; defaults to 1.', { default: 1, pointer: true, validate: (v, p) => nonNegative(v, p) }),
    minReadySeconds: f(4, t.int32(), 'Seconds a new pod must be ready before it counts as available.', { validate: (v, p) => nonNegative(v, p) }),
    selector: f(2, t.map(t.string()), 'Labels the counted pods must carry (equality only); defaults to the template’s labels.'),
    template: f(3, t.object(() => PodTemplateSpecSchema), 'The pods to create when too few exist.'),
  },
  { validate: (s, path) => validateReplicationControllerSpec(s, path) },
);
export type ReplicationControllerSpec = Infer<typeof ReplicationControllerSpecSchema>;

export const ReplicationControllerConditionSchema = object('ReplicationControllerCondition', 'One aspect of a replication controller’s state.', {
  type: f(1, t.string(), 'Condition type, e.g. ReplicaFailure.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastTransitionTime: f(3, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'Machine-readable reason.'),
  message: f(5, t.string(), 'Human-readable details.'),
});

/** Upstream's ValidateReplicationControllerStatus: counts are non-negative and bounded by replicas. */
function validateReplicationControllerStatus(
  s: { replicas?: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number },
  path: string,
): SchemaFieldError[] {
  const p = (c: string) => fieldPath(path, c);
  const errs: SchemaFieldError[] = [];
  for (const name of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const) {
    errs.push(...nonNegative(s[name], p(name)));
  }
  const replicas = s.replicas ?? 0;
  const msg = 'cannot be greater than status.replicas';
  if ((s.fullyLabeledReplicas ?? 0) > replicas) errs.push(fieldError.invalid(p('fullyLabeledReplicas'), s.fullyLabeledReplicas, msg));
  if ((s.readyReplicas ?? 0) > replicas) errs.push(fieldError.invalid(p('readyReplicas'), s.readyReplicas, msg));
  if ((s.availableReplicas ?? 0) > replicas) errs.push(fieldError.invalid(p('availableReplicas'), s.availableReplicas, msg));
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) {
    errs.push(fieldError.invalid(p('availableReplicas'), s.availableReplicas, 'cannot be greater than readyReplicas'));
  }
  return errs;
}

export const ReplicationControllerStatusSchema = object(
  'ReplicationControllerStatus',
  'Observed state of a replication controller.',
  {
    replicas: f(1, t.int32(), 'Pods currently selected.', { required: true }),
    fullyLabeledReplicas: f(2, t.int32(), 'Pods whose labels match the template’s.'),
    readyReplicas: f(4, t.int32(), 'Pods that are ready.'),
    availableReplicas: f(5, t.int32(), 'Pods ready for at least minReadySeconds.'),
    observedGeneration: f(3, t.int64(), 'The generation the controller last acted on.'),
    conditions: f(6, t.list(t.object(() => ReplicationControllerConditionSchema)), 'Latest observations.', {
      patchStrategy: ['merge'],
      patchMergeKey: 'type',
    }),
  },
  { validate: (s, path) => validateReplicationControllerStatus(s, path) },
);
export type ReplicationControllerStatus = Infer<typeof ReplicationControllerStatusSchema>;

export const ReplicationControllerSchema = object(
  'ReplicationController',
  'Keeps a number of pods matching an equality selector running (the predecessor of ReplicaSet).',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata; labels default to the template’s.'),
    spec: f(2, t.object(() => ReplicationControllerSpecSchema), 'Desired state.'),
    status: f(3, t.object(() => ReplicationControllerStatusSchema), 'Observed state.'),
  },
  {
    // SetDefaults_ReplicationController: an empty selector, and empty object labels, take
    // the template's labels (when the template has any labels map at all).
    applyDefaults: (rc) => {
      const labels = rc.spec?.template?.metadata?.labels;
      if (!labels) return;
      if (Object.keys(rc.spec!.selector ?? {}).length === 0) rc.spec!.selector = { ...labels };
      if (Object.keys(rc.metadata?.labels ?? {}).length === 0) {
        rc.metadata ??= {};
        rc.metadata.labels = { ...labels };
      }
    },
  },
);
export type ReplicationController = Infer<typeof ReplicationControllerSchema>;

/**
 * Stored and served like upstream (with scale and status); skiff runs no controller for
 * it, so creating one only stores the object.
 */
export const ReplicationControllerKind = kind<ReplicationController>({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  shortNames: ['rc'],
  categories: ['all'],
  namespaced: true,
  schema: ReplicationControllerSchema,
  protoName: 'k8s.io.api.core.v1.ReplicationController',
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
  hasGeneration: true,
  fieldSelectors: { 'status.replicas': (rc) => String(rc.status?.replicas ?? 0) },
  printerColumns: [
    { name: 'Desired', type: 'integer', description: 'Desired pods.', value: (rc) => rc.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', description: 'Pods selected now.', value: (rc) => rc.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', description: 'Ready pods.', value: (rc) => rc.status?.readyReplicas ?? 0 },
    ageColumn(),
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the template’s containers.', value: (rc) => containerCells(rc.spec?.template?.spec?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the template’s containers.', value: (rc) => containerCells(rc.spec?.template?.spec?.containers).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'The pod selector.', value: (rc) => formatLabels(rc.spec?.selector) },
  ],
});
