/**
 * The replicas each metric of an autoscaling/v2 HPA asks for, and what it read, as
 * upstream's computeReplicasForMetrics: Resource and ContainerResource metrics (cpu,
 * memory) from the resource metrics API, with Utilization or AverageValue targets; the
 * highest proposal wins. Pods, Object and External metrics need a custom or external
 * metrics API, which skiff does not serve: they fail as upstream fails without one.
 */
import type { Pod } from '../api/core/v1/pod.js';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from '../api/autoscaling/v2/index.js';
import { defaultCpuMetric } from '../api/autoscaling/v2/index.js';
import { Quantity } from '../machinery/quantity.js';
import { averageValueReplicas, utilizationReplicas, type PodUsage } from './hpa-replicas.js';

/** What the computation reads and reports through (the controller's caches, client and recorder). */
export interface MetricSources {
  /** The namespace's pods matching the target's selector. */
  pods(): Pod[];
  /** Use of `resource` by those pods (milli-units), from the metrics API; throws when it cannot be had. */
  usage(resource: string, container?: string): Promise<Map<string, PodUsage>>;
  /** A Warning event on the HPA. */
  warn(reason: string, message: string): void;
}

export interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export type MetricsOutcome =
  /** At least one metric answered (and none failed, or not while scaling down). */
  | { ok: true; replicas: number; metric: string; statuses: MetricStatus[]; condition: Condition; error?: string }
  /** Every metric failed, or one did and the others would scale down: nothing changes. */
  | { ok: false; statuses: MetricStatus[]; condition: Condition; error: string };

interface Proposal {
  replicas: number;
  metric: string;
  status: MetricStatus;
}
type Failure = { error: string; condition: Condition };

function unable(sources: MetricSources, reason: string, err: string): Condition {
  sources.warn(reason, err);
  return { type: 'ScalingActive', status: 'False', reason, message: `the HPA was unable to compute the replica count: ${err}` };
}

/** computeStatusForResourceMetricGeneric, for Resource (no container) and ContainerResource. */
async function resourceProposal(sources: MetricSources, name: string, target: MetricTarget, container: string | undefined, current: number, now: number): Promise<{ replicas: number; metric: string; current: MetricValueStatus } | { error: string }> {
  const kindOf = container === undefined ? 'resource' : 'container resource';
  let usage: Map<string, PodUsage>;
  const fetch = async () => {
    try {
      usage = await sources.usage(name, container);
      return undefined;
    } catch (err) {
      return `unable to get metrics for resource ${name}: unable to fetch metrics from resource metrics API: ${err instanceof Error ? err.message : String(err)}`;
    }
  };
  if (target.averageValue !== undefined) {
    const failed = await fetch();
    if (failed) return { error: `failed to get ${name} usage: ${failed}` };
    const r = averageValueReplicas(sources.pods(), usage!, name, Quantity.parse(String(target.averageValue)).milliValue(), current, now);
    if ('error' in r) return { error: `failed to get ${name} usage: ${r.error}` };
    return { replicas: r.replicas, metric: `${name} ${kindOf}`, current: { averageValue: Quantity.fromMilli(r.average).toString() } };
  }
  if (target.averageUtilization === undefined) return { error: 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set' };
  const failed = await fetch();
  if (failed) return { error: `failed to get ${name} utilization: ${failed}` };
  const r = utilizationReplicas(sources.pods(), usage!, name, target.averageUtilization, current, now, container);
  if ('error' in r) return { error: `failed to get ${name} utilization: ${r.error}` };
  return { replicas: r.replicas, metric: `${name} ${kindOf} utilization (percentage of request)`, current: { averageValue: Quantity.fromMilli(r.rawAverage).toString(), averageUtilization: r.utilization } };
}

/** computeReplicasForMetric: one metric's proposal, or why there is none. */
async function proposalFor(sources: MetricSources, spec: MetricSpec, current: number, now: number): Promise<Proposal | Failure> {
  switch (spec.type) {
    case 'Resource': {
      const name = spec.resource?.name ?? '';
      const r = await resourceProposal(sources, name, spec.resource?.target ?? {}, undefined, current, now);
      if ('error' in r) return { condition: unable(sources, 'FailedGetResourceMetric', r.error), error: `failed to get ${name} resource metric value: ${r.error}` };
      return { replicas: r.replicas, metric: r.metric, status: { type: 'Resource', resource: { name, current: r.current } } };
    }
    case 'ContainerResource': {
      const src = spec.containerResource ?? {};
      const name = src.name ?? '';
      const r = await resourceProposal(sources, name, src.target ?? {}, src.container ?? '', current, now);
      if ('error' in r) return { condition: unable(sources, 'FailedGetContainerResourceMetric', r.error), error: `failed to get ${name} container metric value: ${r.error}` };
      return { replicas: r.replicas, metric: r.metric, status: { type: 'ContainerResource', containerResource: { name, current: r.current, container: src.container ?? '' } } };
    }
    case 'Pods':
    case 'Object':
    case 'External': {
      const api = spec.type === 'External' ? 'external.metrics.k8s.io' : 'custom.metrics.k8s.io';
      const metricName = (spec.type === 'Pods' ? spec.pods : spec.type === 'Object' ? spec.object : spec.external)?.metric?.name ?? '';
      const err = `unable to get metric ${metricName}: no metrics API (${api}) is served`;
      const what = spec.type.toLowerCase();
      return { condition: unable(sources, `FailedGet${spec.type}Metric`, err), error: `failed to get ${what} metric value: ${err}` };
    }
    default: {
      const err = `unknown metric source type ${JSON.stringify(spec.type ?? '')}`;
      return { condition: unable(sources, 'InvalidMetricSourceType', err), error: err };
    }
  }
}

/**
 * Every metric's proposal; the highest wins. `statuses` has one entry per metric, empty
 * (`type: ""`, as Go's zero value) for those that failed.
 */
export async function computeReplicasForMetrics(sources: MetricSources, hpa: HorizontalPodAutoscaler, specReplicas: number, now: number): Promise<MetricsOutcome> {
  // Stored HPAs always have a metric (defaulting); an object that somehow has none gets the default's.
  const specs = hpa.spec?.metrics?.length ? hpa.spec.metrics : [defaultCpuMetric()];
  const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
  let replicas = 0;
  let metric = '';
  let invalid = 0;
  let first: Failure | undefined;
  for (const [i, spec] of specs.entries()) {
    const p = await proposalFor(sources, spec ?? {}, specReplicas, now);
    if ('error' in p) {
      first ??= p;
      invalid++;
      continue;
    }
    statuses[i] = p.status;
    if (replicas === 0 || p.replicas > replicas) [replicas, metric] = [p.replicas, p.metric];
  }
  const error = first ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${first.error}` : undefined;
  if (first && (invalid >= specs.length || replicas < specReplicas)) return { ok: false, statuses, condition: first.condition, error: error! };
  const condition: Condition = { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metric}` };
  return { ok: true, replicas, metric, statuses, condition, ...(error ? { error } : {}) };
}
