import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { PodTemplateSpecSchema } from '../../core/v1/pod-template.js';
import {
  LabelSelectorSchema,
  ObjectMetaSchema,
  ageColumn,
  containerCells,
  fieldError,
  formatLabelSelector,
  formatLabels,
  nonNegative,
} from '../../meta/v1/index.js';
import { intOrPercentValue, notMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.js';
import { validateSelectorAndTemplate } from './workload-template.js';

export const RollingUpdateDaemonSetSchema = object(
  'RollingUpdateDaemonSet',
  'How fast a DaemonSet rolling update proceeds.',
  {
    maxUnavailable: f(1, t.intOrString(), 'Nodes (or % of nodes, rounded up) whose pod may be down during the update.'),
    maxSurge: f(2, t.intOrString(), 'Nodes (or %) that may run the new pod beside the old one during the update.'),
  },
  {
    validate: (ru, path) => {
      const mu = `${path}.maxUnavailable`;
      const ms = `${path}.maxSurge`;
      const errs: SchemaFieldError[] = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, mu),
        ...validatePositiveIntOrPercent(ru.maxSurge, ms),
        ...notMoreThan100Percent(ru.maxUnavailable, mu),
        ...notMoreThan100Percent(ru.maxSurge, ms),
      ];
      const hasUnavailable = (intOrPercentValue(ru.maxUnavailable) ?? 0) !== 0;
      const hasSurge = (intOrPercentValue(ru.maxSurge) ?? 0) !== 0;
      if (hasUnavailable && hasSurge) errs.push(fieldError.invalid(ms, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(fieldError.required(mu, 'cannot be 0 when maxSurge is 0'));
      return errs;
    },
  },
);

export const DaemonSetUpdateStrategySchema = object(
  'DaemonSetUpdateStrategy',
  'How a DaemonSet replaces pods when its template changes.',
  {
    type: f(1, t.enum('RollingUpdate', 'OnDelete'), 'RollingUpdate or OnDelete.', { default: 'RollingUpdate' }),
    rollingUpdate: f(2, t.object(() => RollingUpdateDaemonSetSchema), 'Rolling update parameters; only with type RollingUpdate.'),
  },
  {
    applyDefaults: (s) => {
      if (s.type === 'RollingUpdate') {
        s.rollingUpdate ??= {};
        s.rollingUpdate.maxUnavailable ??= 1;
        s.rollingUpdate.maxSurge ??= 0;
      }
    },
  },
);

export const DaemonSetSpecSchema = object(
  'DaemonSetSpec',
  'Desired state of a DaemonSet.',
  {
    selector: f(1, t.object(() => LabelSelectorSchema), 'Selects the pods; must match the template’s labels.', { required: true, immutable: true }),
    template: f(2, t.object(() => PodTemplateSpecSchema), 'The pod run on every eligible node.', { required: true }),
    updateStrategy: f(3, t.object(() => DaemonSetUpdateStrategySchema), 'How to replace pods on a template change.', { default: () => ({}) }),
    minReadySeconds: f(4, t.int32(), 'Seconds a new pod must be ready before it counts as available.', { validate: (v, p) => nonNegative(v, p) }),
    revisionHistoryLimit: f(6, t.int32(), 'Old revisions (ControllerRevisions) kept.', { default: 10, pointer: true, validate: (v, p) => nonNegative(v, p) }),
  },
  { validate: (s, path) => validateSelectorAndTemplate(s, path, { kindWord: 'daemonset', kindName: 'DaemonSet' }) },
);
export type DaemonSetSpec = Infer<typeof DaemonSetSpecSchema>;

export const DaemonSetConditionSchema = object('DaemonSetCondition', 'One aspect of a DaemonSet’s state.', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastTransitionTime: f(3, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'Machine-readable reason.'),
  message: f(5, t.string(), 'Human-readable details.'),
});

export const DaemonSetStatusSchema = object('DaemonSetStatus', 'Observed state of a DaemonSet.', {
  currentNumberScheduled: f(1, t.int32(), 'Nodes running the pod that should.', { required: true }),
  numberMisscheduled: f(2, t.int32(), 'Nodes running the pod that should not.', { required: true }),
  desiredNumberScheduled: f(3, t.int32(), 'Nodes that should run the pod.', { required: true }),
  numberReady: f(4, t.int32(), 'Nodes whose pod is ready.', { required: true }),
  observedGeneration: f(5, t.int64(), 'The generation the controller last acted on.'),
  updatedNumberScheduled: f(6, t.int32(), 'Nodes running the current template.'),
  numberAvailable: f(7, t.int32(), 'Nodes whose pod has been ready for minReadySeconds.'),
  numberUnavailable: f(8, t.int32(), 'Nodes that should run an available pod but do not.'),
  collisionCount: f(9, t.int32(), 'Hash collisions met naming new ControllerRevisions.', { pointer: true }),
  conditions: f(10, t.list(t.object(() => DaemonSetConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Latest observations.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
});

export const DaemonSetSchema = object('DaemonSet', 'Runs a copy of a pod on every eligible node.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => DaemonSetSpecSchema), 'Desired state.'),
  status: f(3, t.object(() => DaemonSetStatusSchema), 'Observed state.'),
});
export type DaemonSet = Infer<typeof DaemonSetSchema>;

export const DaemonSetKind = kind<DaemonSet>({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  schema: DaemonSetSchema,
  protoName: 'k8s.io.api.apps.v1.DaemonSet',
  subresources: { status: true },
  hasGeneration: true,
  printerColumns: [
    { name: 'Desired', type: 'integer', description: 'Nodes that should run the pod.', value: (d) => d.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', description: 'Nodes running the pod.', value: (d) => d.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', description: 'Nodes whose pod is ready.', value: (d) => d.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', description: 'Nodes running the current template.', value: (d) => d.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', description: 'Nodes whose pod is available.', value: (d) => d.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', type: 'string', description: 'The template’s node selector.', value: (d) => formatLabels(d.spec?.template?.spec?.nodeSelector) },
    ageColumn(),
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the template’s containers.', value: (d) => containerCells(d.spec?.template?.spec?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the template’s containers.', value: (d) => containerCells(d.spec?.template?.spec?.containers).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'The pod selector.', value: (d) => formatLabelSelector(d.spec?.selector) },
  ],
});
