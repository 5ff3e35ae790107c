import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { PodTemplateSpecSchema } from '../../core/v1/pod-template.js';
import {
  LabelSelectorSchema,
  ObjectMetaSchema,
  ageColumn,
  containerCells,
  fieldError,
  labelSelectorString,
  nonNegative,
} from '../../meta/v1/index.js';
import { intOrPercentValue, notMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { validateSelectorAndTemplate } from './workload-template.js';

export const RollingUpdateDeploymentSchema = object(
  'RollingUpdateDeployment',
  'How fast a rolling update replaces pods.',
  {
    maxUnavailable: f(1, t.intOrString(), 'Pods (or % of desired, rounded down) that may be unavailable during the update.'),
    maxSurge: f(2, t.intOrString(), 'Pods (or % of desired, rounded up) that may exist above the desired count.'),
  },
  {
    validate: (ru, path) => {
      const errs: SchemaFieldError[] = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
        ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`),
      ];
      if ((intOrPercentValue(ru.maxUnavailable) ?? 0) === 0 && (intOrPercentValue(ru.maxSurge) ?? 0) === 0) {
        errs.push(fieldError.invalid(`${path}.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
      return errs;
    },
  },
);

export const DeploymentStrategySchema = object(
  'DeploymentStrategy',
  'How a Deployment replaces old pods with new ones.',
  {
    type: f(1, t.enum('Recreate', 'RollingUpdate'), 'Recreate (all old pods first) or RollingUpdate.', { default: 'RollingUpdate' }),
    rollingUpdate: f(2, t.object(() => RollingUpdateDeploymentSchema), 'Rolling update parameters; only with type RollingUpdate.'),
  },
  {
    applyDefaults: (s) => {
      if (s.type === 'RollingUpdate') {
        s.rollingUpdate ??= {};
        s.rollingUpdate.maxUnavailable ??= '25%';
        s.rollingUpdate.maxSurge ??= '25%';
      }
    },
    validate: (s, path) => {
      if (s.type === 'Recreate' && s.rollingUpdate) {
        return [fieldError.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")];
      }
      if (s.type === 'RollingUpdate' && !s.rollingUpdate) {
        return [fieldError.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      }
      return [];
    },
  },
);

export const DeploymentSpecSchema = object(
  'DeploymentSpec',
  'Desired state of a Deployment.',
  {
    replicas: f(1, t.int32(), 'Desired number of pods.', { default: 1, pointer: true, validate: (v, p) => nonNegative(v, p) }),
    selector: f(2, t.object(() => LabelSelectorSchema), 'Selects the pods (and ReplicaSets) this Deployment owns; must match the template’s labels.', {
      required: true,
      immutable: true,
    }),
    template: f(3, t.object(() => PodTemplateSpecSchema), 'The pods to run.', { required: true }),
    strategy: f(4, t.object(() => DeploymentStrategySchema), 'How to replace pods on a change.', {
      patchStrategy: ['retainKeys'],
      default: () => ({}),
    }),
    minReadySeconds: f(5, t.int32(), 'Seconds a new pod must be ready before it counts as available.', { validate: (v, p) => nonNegative(v, p) }),
    revisionHistoryLimit: f(6, t.int32(), 'Old ReplicaSets kept for rollback.', { default: 10, pointer: true, validate: (v, p) => nonNegative(v, p) }),
    paused: f(7, t.bool(), 'Pauses rollouts while true.'),
    progressDeadlineSeconds: f(9, t.int32(), 'Seconds without progress before the rollout is reported as failed.', {
      default: 600,
      pointer: true,
      validate: (v, p) => nonNegative(v, p),
    }),
  },
  {
    validate: (s, path) => {
      const errs = validateSelectorAndTemplate(s, path, { kindWord: 'deployment', kindName: 'ReplicaSet' });
      if (s.progressDeadlineSeconds !== undefined && s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
        errs.push(fieldError.invalid(`${path}.progressDeadlineSeconds`, s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
      }
      return errs;
    },
  },
);
export type DeploymentSpec = Infer<typeof DeploymentSpecSchema>;

export const DeploymentConditionSchema = object('DeploymentCondition', 'One aspect of a Deployment’s state (Available, Progressing, ReplicaFailure).', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastUpdateTime: f(6, t.time(), 'When the condition was last probed or updated.'),
  lastTransitionTime: f(7, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'Machine-readable reason, e.g. NewReplicaSetAvailable or ProgressDeadlineExceeded.'),
  message: f(5, t.string(), 'Human-readable details.'),
});
export type DeploymentCondition = Infer<typeof DeploymentConditionSchema>;

export const DeploymentStatusSchema = object('DeploymentStatus', 'Observed state of a Deployment.', {
  observedGeneration: f(1, t.int64(), 'The generation the controller last acted on.'),
  replicas: f(2, t.int32(), 'Non-terminated pods selected by this Deployment.'),
  updatedReplicas: f(3, t.int32(), 'Of those, pods with the current template.'),
  readyReplicas: f(7, t.int32(), 'Of those, pods that are ready.'),
  availableReplicas: f(4, t.int32(), 'Of those, pods ready for at least minReadySeconds.'),
  unavailableReplicas: f(5, t.int32(), 'Pods still needed to reach full availability.'),
  conditions: f(6, t.list(t.object(() => DeploymentConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Latest observations.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
  collisionCount: f(8, t.int32(), 'Hash collisions met naming new ReplicaSets.', { pointer: true }),
});
export type DeploymentStatus = Infer<typeof DeploymentStatusSchema>;

export const DeploymentSchema = object('Deployment', 'Declarative updates of pods through ReplicaSets.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => DeploymentSpecSchema), 'Desired state.'),
  status: f(3, t.object(() => DeploymentStatusSchema), 'Observed state.'),
});
export type Deployment = Infer<typeof DeploymentSchema>;

export const DeploymentKind = kind<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  schema: DeploymentSchema,
  protoName: 'k8s.io.api.apps.v1.Deployment',
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
  hasGeneration: true,
  printerColumns: [
    {
      name: 'Ready',
      type: 'string',
      description: 'Ready pods out of desired.',
      value: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
    },
    { name: 'Up-to-date', type: 'string', description: 'Pods with the current template.', value: (d) => d.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'string', description: 'Pods available to serve.', value: (d) => d.status?.availableReplicas ?? 0 },
    ageColumn(),
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the template’s containers.', value: (d) => containerCells(d.spec?.template?.spec?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the template’s containers.', value: (d) => containerCells(d.spec?.template?.spec?.containers).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'The pod selector.', value: (d) => labelSelectorString(d.spec?.selector) },
  ],
});
