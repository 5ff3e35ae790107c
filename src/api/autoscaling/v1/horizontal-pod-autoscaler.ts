import { validateCrossVersionObjectReference } from '../v2/validation.js';
import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError, nonNegative } from '../../meta/v1/index.js';
import { formatHpaMetrics, HorizontalPodAutoscalerKind as HorizontalPodAutoscalerV2Kind, type HorizontalPodAutoscaler as HorizontalPodAutoscalerV2 } from '../v2/index.js';
import { METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION } from './annotations.js';
import { hpaV1ToV2, hpaV2ToV1 } from './conversion.js';

import { DEFAULT_CPU_UTILIZATION } from '../v2/index.js';

export { DEFAULT_CPU_UTILIZATION };

export const CrossVersionObjectReferenceSchema = object('CrossVersionObjectReference', 'The kind, name and API version of a resource.', {
  kind: f(1, t.string(), 'Kind of the referent (Deployment).'),
  name: f(2, t.string(), 'Name of the referent.'),
  apiVersion: f(3, t.string(), 'API version of the referent (apps/v1).'),
});
export type CrossVersionObjectReference = Infer<typeof CrossVersionObjectReferenceSchema>;

export const HorizontalPodAutoscalerSpecSchema = object('HorizontalPodAutoscalerSpec', 'What to scale, between which bounds, towards which CPU use.', {
  scaleTargetRef: f(1, t.object(() => CrossVersionObjectReferenceSchema), 'The resource whose scale subresource the autoscaler sets.'),
  minReplicas: f(2, t.int32(), 'Fewest replicas the autoscaler may scale down to; defaults to 1.', { default: 1, pointer: true }),
  // Not a Go pointer, but `json:"maxReplicas"` without omitempty: an explicit 0 must survive
  // decoding so validation reports it as upstream does ("Invalid value: 0").
  maxReplicas: f(3, t.int32(), 'Most replicas the autoscaler may scale up to; at least minReplicas.', { pointer: true }),
  targetCPUUtilizationPercentage: f(4, t.int32(), 'Target average CPU use, as a percentage of the pods’ CPU requests.', { pointer: true }),
});
export type HorizontalPodAutoscalerSpec = Infer<typeof HorizontalPodAutoscalerSpecSchema>;

export const HorizontalPodAutoscalerStatusSchema = object('HorizontalPodAutoscalerStatus', 'What the autoscaler last observed and decided.', {
  observedGeneration: f(1, t.int64(), 'The most recent generation the autoscaler observed.', { pointer: true }),
  lastScaleTime: f(2, t.time(), 'When the autoscaler last changed the replica count.'),
  // Both are written by Go even when zero (no omitempty): kept, and defaulted to 0.
  currentReplicas: f(3, t.int32(), 'Replicas of the target, as the autoscaler last saw them.', { required: true, validate: (v, p) => nonNegative(v, p) }),
  desiredReplicas: f(4, t.int32(), 'Replicas the autoscaler last asked for.', { required: true, validate: (v, p) => nonNegative(v, p) }),
  currentCPUUtilizationPercentage: f(5, t.int32(), 'Current average CPU use, as a percentage of the pods’ CPU requests.', { pointer: true }),
});

export const HorizontalPodAutoscalerSchema = object(
  'HorizontalPodAutoscaler',
  'Scales a resource with a scale subresource between bounds, towards a target CPU use.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
    spec: f(2, t.object(() => HorizontalPodAutoscalerSpecSchema), 'Desired behaviour of the autoscaler.'),
    status: f(3, t.object(() => HorizontalPodAutoscalerStatusSchema), 'Observed state.'),
  },
  {
    applyDefaults: (hpa) => {
      // kube-apiserver stores autoscaling/v2, whose conversion adds an 80% CPU metric when
      // there is no metric at all; read back as v1 that is targetCPUUtilizationPercentage: 80.
      // Metrics in the annotation count: then there is no CPU default.
      const spec = (hpa.spec ??= {});
      spec.minReplicas ??= 1; // the field default, for a spec this hook just created
      if (hpa.metadata?.annotations?.[METRIC_SPECS_ANNOTATION] === undefined) spec.targetCPUUtilizationPercentage ??= DEFAULT_CPU_UTILIZATION;
      // Go's status is a struct whose replica counts have no omitempty: every object reads
      // back with `status: {currentReplicas: 0, desiredReplicas: 0}` at least.
      const status = (hpa.status ??= {});
      status.currentReplicas ??= 0;
      status.desiredReplicas ??= 0;
    },
  },
);
export type HorizontalPodAutoscaler = Infer<typeof HorizontalPodAutoscalerSchema>;

// ValidateCrossVersionObjectReference is the same in both versions (v2's validation.ts).
export { validateCrossVersionObjectReference } from '../v2/validation.js';

/**
 * validateHorizontalPodAutoscalerSpec with upstream's messages. Upstream validates the
 * internal (v2-shaped) object, so a bad targetCPUUtilizationPercentage is reported at the
 * path of the metric it converts to, as kube-apiserver reports it to v1 clients.
 */
export function validateHorizontalPodAutoscalerV1(hpa: HorizontalPodAutoscaler): SchemaFieldError[] {
  const spec = hpa.spec ?? {};
  const errs: SchemaFieldError[] = [];
  const max = spec.maxReplicas ?? 0;
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) errs.push(fieldError.invalid('spec.minReplicas', spec.minReplicas, 'must be greater than 0'));
  if (max < 1) errs.push(fieldError.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && max < spec.minReplicas) {
    errs.push(fieldError.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  }
  errs.push(...validateCrossVersionObjectReference(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  const cpu = spec.targetCPUUtilizationPercentage;
  if (cpu !== undefined && cpu < 1) errs.push(fieldError.invalid('spec.metrics[0].resource.target.averageUtilization', cpu, 'must be greater than 0'));
  return errs;
}

/**
 * formatHPAMetrics, as upstream prints a v1 object (converted): with the round-trip
 * annotations, every metric; without, the single CPU metric v1 can name.
 */
export function hpaV1Targets(hpa: HorizontalPodAutoscaler): string {
  const annotations = hpa.metadata?.annotations;
  if (annotations?.[METRIC_SPECS_ANNOTATION] !== undefined || annotations?.[METRIC_STATUSES_ANNOTATION] !== undefined) {
    const v2 = hpaV1ToV2(hpa) as HorizontalPodAutoscalerV2;
    return formatHpaMetrics(v2.spec?.metrics, v2.status?.currentMetrics);
  }
  const target = hpa.spec?.targetCPUUtilizationPercentage;
  if (target === undefined) return '<none>';
  const current = hpa.status?.currentCPUUtilizationPercentage;
  return `cpu: ${current === undefined ? '<unknown>' : `${current}%`}/${target}%`;
}

/** The columns of upstream's printHorizontalPodAutoscaler (pkg/printers/internalversion). */
export const HorizontalPodAutoscalerKind = kind<HorizontalPodAutoscaler>({
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  schema: HorizontalPodAutoscalerSchema,
  protoName: 'k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler',
  subresources: { status: true },
  hasGeneration: true,
  nameFormat: 'dns1123-subdomain',
  validate: (hpa) => validateHorizontalPodAutoscalerV1(hpa),
  // Served from the autoscaling/v2 objects storage holds.
  conversion: { storage: HorizontalPodAutoscalerV2Kind, toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 },
  printerColumns: [
    {
      name: 'Reference',
      type: 'string',
      description: 'The scaled resource, as kind/name.',
      value: (h) => `${h.spec?.scaleTargetRef?.kind ?? ''}/${h.spec?.scaleTargetRef?.name ?? ''}`,
    },
    { name: 'Targets', type: 'string', description: 'Current and target value of each metric.', value: (h) => hpaV1Targets(h) },
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
