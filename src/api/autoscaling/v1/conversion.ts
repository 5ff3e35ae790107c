/**
 * autoscaling/v1 ⇄ autoscaling/v2 HorizontalPodAutoscaler, as upstream converts through
 * its internal type (pkg/apis/autoscaling/v1/conversion.go): v1 keeps its one CPU target
 * in spec/status fields and everything else v2 can say in four annotations, so an object
 * read in v1 and written back loses nothing.
 *
 * v2 → v1: a CPU utilization metric becomes targetCPUUtilizationPercentage, other metrics
 * go to the metrics annotation, every current metric to current-metrics (the CPU one also
 * to currentCPUUtilizationPercentage), conditions and behavior to their annotations; any
 * round-trip annotation the object carried before is replaced.
 * v1 → v2: the reverse; annotation metrics come first, the CPU target last; no metric at
 * all means 80 % CPU; the round-trip annotations are dropped.
 */
import type { HorizontalPodAutoscaler as V2Hpa, HorizontalPodAutoscalerBehavior, HPAScalingRules, MetricSpec, MetricStatus } from '../v2/index.js';
import { defaultCpuMetric } from '../v2/index.js';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  goJson,
  METRIC_SPECS_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
  parseAnnotation,
  pick,
  withoutRoundTrip,
} from './annotations.js';
import { metricSpecFromV1, metricSpecToV1, metricStatusFromV1, metricStatusToV1 } from './metric-conversion.js';

type Json = Record<string, any>;

const isCpuResource = (m: MetricSpec | MetricStatus): boolean => m.type === 'Resource' && m.resource?.name === 'cpu';

/** `metadata` with `annotations` in place of its own (none: the key goes). */
function withAnnotations(metadata: Json | undefined, annotations: Record<string, string> | undefined): Json | undefined {
  if (metadata === undefined && annotations === undefined) return undefined;
  const { annotations: _old, ...rest } = metadata ?? {};
  void _old;
  return annotations ? { ...rest, annotations } : rest;
}

/** Only the keys whose value is defined, in the order given. */
function defined(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** v2 (stored) → v1. */
export function hpaV2ToV1(hpa: Json): Json {
  const h = hpa as V2Hpa;
  const spec = h.spec ?? {};
  const status = h.status ?? {};
  const metrics = spec.metrics ?? [];
  const current = status.currentMetrics ?? [];
  const conditions = status.conditions ?? [];
  const annotations: Record<string, string> = { ...(withoutRoundTrip(h.metadata?.annotations as Record<string, string> | undefined) ?? {}) };
  const others = metrics.filter((m) => !(isCpuResource(m) && m.resource?.target?.averageUtilization !== undefined));
  if (others.length > 0) annotations[METRIC_SPECS_ANNOTATION] = goJson(others.map(metricSpecToV1));
  if (current.length > 0) annotations[METRIC_STATUSES_ANNOTATION] = goJson(current.map(metricStatusToV1));
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = goJson(conditions.map((c) => defined({ type: c.type ?? '', status: c.status ?? '', lastTransitionTime: c.lastTransitionTime, reason: c.reason || undefined, message: c.message || undefined })));
  if (spec.behavior) annotations[BEHAVIOR_ANNOTATION] = goJson(behaviorToInternal(spec.behavior));

  // The first CPU resource metric decides the v1 target (none if it is not a utilization).
  const cpu = metrics.find(isCpuResource);
  let cpuNow: number | undefined;
  for (const m of current) if (isCpuResource(m) && m.resource?.current?.averageUtilization !== undefined) cpuNow = m.resource.current.averageUtilization;
  const out: Json = {
    ...(h.apiVersion !== undefined ? { apiVersion: 'autoscaling/v1' } : {}),
    ...(h.kind !== undefined ? { kind: h.kind } : {}),
  };
  const metadata = withAnnotations(h.metadata, Object.keys(annotations).length > 0 ? annotations : undefined);
  if (metadata !== undefined) out.metadata = metadata;
  if (h.spec !== undefined) {
    out.spec = defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization,
    });
  }
  // Go's v1 status is a struct with two counts always written: every object has one.
  if (h.metadata !== undefined || h.status !== undefined) {
    out.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpuNow,
    });
  }
  return out;
}

/** v1 → v2 (to store). */
export function hpaV1ToV2(hpa: Json): Json {
  const annotations = hpa.metadata?.annotations as Record<string, string> | undefined;
  const spec: Json = hpa.spec ?? {};
  const status: Json = hpa.status ?? {};
  const cpuTarget = spec.targetCPUUtilizationPercentage as number | undefined;
  let metrics: MetricSpec[] = cpuTarget === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuTarget } } }];
  const others = parseAnnotation(annotations, METRIC_SPECS_ANNOTATION, 'array');
  if (others) metrics = [...others.map(metricSpecFromV1), ...metrics];
  const behavior = behaviorFromInternal(parseAnnotation(annotations, BEHAVIOR_ANNOTATION, 'object'));
  const cpuNow = status.currentCPUUtilizationPercentage as number | undefined;
  let currentMetrics: MetricStatus[] | undefined = cpuNow === undefined ? undefined : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpuNow } } }];
  const statuses = parseAnnotation(annotations, METRIC_STATUSES_ANNOTATION, 'array');
  if (statuses) currentMetrics = statuses.map(metricStatusFromV1);
  // v1 once had this default in the controller; it is applied here, where every metric is known.
  if (metrics.length === 0) metrics = [defaultCpuMetric()];
  const conditions = parseAnnotation(annotations, CONDITIONS_ANNOTATION, 'array')?.map((c) =>
    defined({ type: pick(c, 'type') ?? '', status: pick(c, 'status') ?? '', lastTransitionTime: pick(c, 'lastTransitionTime'), reason: pick(c, 'reason') || undefined, message: pick(c, 'message') || undefined }),
  );

  const out: Json = {
    ...(hpa.apiVersion !== undefined ? { apiVersion: 'autoscaling/v2' } : {}),
    ...(hpa.kind !== undefined ? { kind: hpa.kind } : {}),
  };
  const metadata = withAnnotations(hpa.metadata, withoutRoundTrip(annotations));
  if (metadata !== undefined) out.metadata = metadata;
  out.spec = defined({
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics,
    behavior,
  });
  if (hpa.status !== undefined || currentMetrics || conditions) {
    out.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      // omitempty in v2: a zero count is not written.
      currentReplicas: status.currentReplicas ? status.currentReplicas : undefined,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentMetrics: currentMetrics && currentMetrics.length > 0 ? currentMetrics : undefined,
      conditions: conditions && conditions.length > 0 ? conditions : undefined,
    });
  }
  return out;
}

/** The behavior as Go marshals the internal type: Go field names, nil as null. */
function behaviorToInternal(b: HorizontalPodAutoscalerBehavior): Json {
  const rules = (r: HPAScalingRules | undefined): Json | null =>
    r === undefined
      ? null
      : {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: r.policies ? r.policies.map((p) => ({ Type: p.type ?? '', Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 })) : null,
        };
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

/** The behavior annotation read back; undefined when absent, unreadable or empty (both directions nil). */
function behaviorFromInternal(v: Json | undefined): HorizontalPodAutoscalerBehavior | undefined {
  if (!v) return undefined;
  const rules = (r: unknown): HPAScalingRules | undefined => {
    if (r === undefined || typeof r !== 'object' || Array.isArray(r)) return undefined;
    const policies = pick(r, 'Policies');
    return defined({
      stabilizationWindowSeconds: pick(r, 'StabilizationWindowSeconds'),
      selectPolicy: pick(r, 'SelectPolicy'),
      policies: Array.isArray(policies) ? policies.map((p) => defined({ type: pick(p, 'Type') ?? '', value: pick(p, 'Value') ?? 0, periodSeconds: pick(p, 'PeriodSeconds') ?? 0 })) : undefined,
    }) as HPAScalingRules;
  };
  const scaleUp = rules(pick(v, 'ScaleUp'));
  const scaleDown = rules(pick(v, 'ScaleDown'));
  if (!scaleUp && !scaleDown) return undefined;
  return defined({ scaleUp, scaleDown }) as HorizontalPodAutoscalerBehavior;
}
