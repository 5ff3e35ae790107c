/**
 * autoscaling/v2 HorizontalPodAutoscaler — the version HPAs are stored in (as upstream's
 * storage version). autoscaling/v1 is served from it by conversion (../v1/conversion.ts).
 */
import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, nonNegative } from '../../meta/v1/index.js';
import { defaultScaleDownRules, defaultScaleUpRules, HorizontalPodAutoscalerBehaviorSchema, withDefaultRules } from './behavior.js';
import { CrossVersionObjectReferenceSchema, MetricSpecSchema, MetricStatusSchema, type MetricSpec } from './metrics.js';
import { formatHpaMetrics } from './targets.js';
import { validateHorizontalPodAutoscalerSpec } from './validation.js';

/** autoscaling.DefaultCPUUtilization: the target when an autoscaler names no metric. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** The metric an autoscaler without any gets: 80 % average CPU utilization. */
export function defaultCpuMetric(): MetricSpec {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } };
}

export const HorizontalPodAutoscalerSpecSchema = object('HorizontalPodAutoscalerSpec', 'What to scale, between which bounds, on which metrics, how fast.', {
  scaleTargetRef: f(1, t.object(() => CrossVersionObjectReferenceSchema), 'The resource whose scale subresource the autoscaler sets.'),
  minReplicas: f(2, t.int32(), 'Fewest replicas the autoscaler may scale down to; defaults to 1.', { default: 1, pointer: true }),
  // `json:"maxReplicas"` without omitempty: an explicit 0 survives decoding so validation reports it.
  maxReplicas: f(3, t.int32(), 'Most replicas the autoscaler may scale up to; at least minReplicas.', { pointer: true }),
  metrics: f(4, t.list(t.object(() => MetricSpecSchema), { listType: 'atomic' }), 'Metrics to scale on (the highest replica count any asks for wins); unset: 80 % average CPU utilization.'),
  behavior: f(5, t.object(() => HorizontalPodAutoscalerBehaviorSchema), 'How fast to scale up and down; unset: the default rules.'),
});
export type HorizontalPodAutoscalerSpec = Infer<typeof HorizontalPodAutoscalerSpecSchema>;

export const HorizontalPodAutoscalerConditionSchema = object('HorizontalPodAutoscalerCondition', 'One aspect of the autoscaler’s state.', {
  type: f(1, t.string(), 'AbleToScale, ScalingActive or ScalingLimited.'),
  status: f(2, t.string(), 'True, False or Unknown.'),
  lastTransitionTime: f(3, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'Why, in one CamelCase word.'),
  message: f(5, t.string(), 'Why, for humans.'),
});
export type HorizontalPodAutoscalerCondition = Infer<typeof HorizontalPodAutoscalerConditionSchema>;

export const HorizontalPodAutoscalerStatusSchema = object('HorizontalPodAutoscalerStatus', 'What the autoscaler last observed and decided.', {
  observedGeneration: f(1, t.int64(), 'The most recent generation the autoscaler observed.', { pointer: true }),
  lastScaleTime: f(2, t.time(), 'When the autoscaler last changed the replica count.'),
  currentReplicas: f(3, t.int32(), 'Replicas of the target, as the autoscaler last saw them.', { validate: (v, p) => nonNegative(v, p) }),
  // No omitempty in Go: always written, so kept (and defaulted) at 0.
  desiredReplicas: f(4, t.int32(), 'Replicas the autoscaler last asked for.', { required: true, validate: (v, p) => nonNegative(v, p) }),
  currentMetrics: f(5, t.list(t.object(() => MetricStatusSchema), { listType: 'atomic' }), 'The last values read of the metrics.'),
  conditions: f(6, t.list(t.object(() => HorizontalPodAutoscalerConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Whether the autoscaler can scale, and why not.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
});
export type HorizontalPodAutoscalerStatus = Infer<typeof HorizontalPodAutoscalerStatusSchema>;

export const HorizontalPodAutoscalerSchema = object(
  'HorizontalPodAutoscaler',
  'Scales a resource with a scale subresource between bounds, on the metrics given.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
    spec: f(2, t.object(() => HorizontalPodAutoscalerSpecSchema), 'Desired behaviour of the autoscaler.'),
    status: f(3, t.object(() => HorizontalPodAutoscalerStatusSchema), 'Observed state.'),
  },
  {
    // SetDefaults_HorizontalPodAutoscaler (v2): minReplicas 1, an 80 % CPU metric when none,
    // and a behavior that is set filled in from the default rules.
    applyDefaults: (hpa) => {
      const spec = (hpa.spec ??= {});
      spec.minReplicas ??= 1;
      if (!spec.metrics || spec.metrics.length === 0) spec.metrics = [defaultCpuMetric()];
      if (spec.behavior) {
        spec.behavior = {
          scaleUp: withDefaultRules(spec.behavior.scaleUp, defaultScaleUpRules()),
          scaleDown: withDefaultRules(spec.behavior.scaleDown, defaultScaleDownRules()),
        };
      }
      // Go's status struct is always written, desiredReplicas with it.
      const status = (hpa.status ??= {});
      status.desiredReplicas ??= 0;
    },
  },
);
export type HorizontalPodAutoscaler = Infer<typeof HorizontalPodAutoscalerSchema>;

/** The columns of upstream's printHorizontalPodAutoscaler (pkg/printers/internalversion). */
export const HorizontalPodAutoscalerKind = kind<HorizontalPodAutoscaler>({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  schema: HorizontalPodAutoscalerSchema,
  protoName: 'k8s.io.api.autoscaling.v2.HorizontalPodAutoscaler',
  subresources: { status: true },
  hasGeneration: true,
  nameFormat: 'dns1123-subdomain',
  validate: (hpa) => validateHorizontalPodAutoscalerSpec(hpa.spec ?? {}),
  printerColumns: [
    {
      name: 'Reference',
      type: 'string',
      description: 'The scaled resource, as kind/name.',
      value: (h) => `${h.spec?.scaleTargetRef?.kind ?? ''}/${h.spec?.scaleTargetRef?.name ?? ''}`,
    },
    { name: 'Targets', type: 'string', description: 'Current and target value of each metric.', value: (h) => formatHpaMetrics(h.spec?.metrics, h.status?.currentMetrics) },
    {
      name: 'MinPods',
      type: 'string',
      description: 'The lower bound on replicas.',
      value: (h) => (h.spec?.minReplicas === undefined ? '<unset>' : String(h.spec.minReplicas)),
    },
    { name: 'MaxPods', type: 'integer', description: 'The upper bound on replicas.', value: (h) => h.spec?.maxReplicas ?? 0 },
    { name: 'Replicas', type: 'integer', description: 'Current replicas of the target.', value: (h) => h.status?.currentReplicas ?? 0 },
    ageColumn(),
  ],
});
