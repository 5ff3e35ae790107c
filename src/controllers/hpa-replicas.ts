/**
 * How many replicas a resource metric asks for, as upstream's replica calculator works it
 * out (GetResourceReplicas for a utilization target, GetRawResourceReplicas for an average
 * value): figures in milli-units of the resource, over the pods that have metrics; within
 * 10 % of the target nothing changes; pods without metrics count as at the target when
 * scaling down and as idle when scaling up, unready pods (CPU only) as idle when scaling
 * up — and if that flips the direction, nothing changes either.
 * Pure: the pods, their requests and metrics are passed in.
 */
import { Quantity } from '../machinery/quantity.js';
import type { Pod } from '../api/core/v1/pod.js';
import { readyCondition } from './pod-util.js';

const TOLERANCE = 0.1;
/** A started pod's CPU samples are trusted only once it has been ready a full metrics window, for this long after start. */
const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** A pod that turned unready this soon after starting never was ready. */
const DELAY_OF_INITIAL_READINESS_MS = 30_000;

/** One pod's use of a resource from the metrics API: milli-units over a window ending at `timestamp`. */
export interface PodUsage {
  milli: number;
  timestamp: number;
  windowMs: number;
}

export type ReplicaResult = { replicas: number; utilization: number } | { error: string };
/** A utilization target's answer: replicas, whole-percent utilization, and the raw average use (milli-units). */
export type UtilizationResult = { replicas: number; utilization: number; rawAverage: number } | { error: string };
/** An average-value target's answer: replicas and the average use (milli-units). */
export type AverageValueResult = { replicas: number; average: number } | { error: string };

/**
 * Sum of the pod's containers' requests for `resource` (milli-units), or of the one named
 * `container`; a container without one is an error, as upstream.
 */
export function podRequest(pod: Pod, resource: string, container?: string): number | { error: string } {
  let sum = 0;
  for (const c of pod.spec?.containers ?? []) {
    if (container !== undefined && c.name !== container) continue;
    const req = c.resources?.requests?.[resource];
    if (req === undefined) return { error: `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name}` };
    sum += Quantity.parse(String(req)).milliValue();
  }
  return sum;
}

/** Sum of the pod's CPU requests (millicores). */
export function podCpuRequest(pod: Pod): number | { error: string } {
  return podRequest(pod, 'cpu');
}

/** Whether a pod's CPU sample may not be used yet (upstream's groupPods for cpu). */
function unready(pod: Pod, usage: PodUsage, now: number): boolean {
  const cond = readyCondition(pod);
  const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  if (!cond || Number.isNaN(start)) return true;
  const transition = Date.parse(cond.lastTransitionTime ?? '') || 0;
  if (start + CPU_INITIALIZATION_PERIOD_MS > now) return cond.status === 'False' || usage.timestamp < transition + usage.windowMs;
  return cond.status === 'False' && start + DELAY_OF_INITIAL_READINESS_MS > transition;
}

interface Groups {
  /** Usage of the pods whose samples count. */
  metrics: Map<string, number>;
  readyCount: number;
  missing: string[];
  notReady: string[];
  /** Every pod counted, ignored ones (deleted, failed) left out. */
  counted: Pod[];
}

/** groupPods: deleted and failed pods are ignored, pending ones unready, CPU samples of pods not ready long enough too. */
function groupPods(pods: readonly Pod[], usage: ReadonlyMap<string, PodUsage>, resource: string, now: number): Groups {
  const g: Groups = { metrics: new Map(), readyCount: 0, missing: [], notReady: [], counted: [] };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') continue;
    g.counted.push(pod);
    const u = usage.get(name);
    if (pod.status?.phase === 'Pending') g.notReady.push(name);
    else if (!u) g.missing.push(name);
    else if (resource === 'cpu' && unready(pod, u, now)) g.notReady.push(name);
    else {
      g.metrics.set(name, u.milli);
      g.readyCount++;
    }
  }
  return g;
}

/** Whole-percent utilization of `usage` against `requests`, over the pods in `usage`, and the raw average. */
function utilizationOf(usage: Map<string, number>, requests: Map<string, number>): { utilization: number; rawAverage: number } {
  let used = 0;
  let requested = 0;
  for (const [name, milli] of usage) {
    used += milli;
    requested += requests.get(name) ?? 0;
  }
  return { utilization: requested > 0 ? Math.floor((used * 100) / requested) : 0, rawAverage: usage.size > 0 ? Math.floor(used / usage.size) : 0 };
}

/**
 * The shared second pass: with pods missing metrics or unready ones while scaling up,
 * fill their usage in (at `missingDown` when scaling down, 0 when up) and recompute; no
 * change when that lands within tolerance or flips the direction.
 */
function withFilledIn(g: Groups, ratio: number, current: number, missingDown: (name: string) => number, ratioOf: (m: Map<string, number>) => number): number {
  const scaleUpWithUnready = g.notReady.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && g.missing.length === 0) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return current;
    return Math.ceil(ratio * g.readyCount);
  }
  if (ratio < 1) for (const name of g.missing) g.metrics.set(name, missingDown(name));
  else if (ratio > 1) for (const name of g.missing) g.metrics.set(name, 0);
  if (scaleUpWithUnready) for (const name of g.notReady) g.metrics.set(name, 0);
  const newRatio = ratioOf(g.metrics);
  if (Math.abs(1 - newRatio) <= TOLERANCE || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return current;
  const replicas = Math.ceil(newRatio * g.metrics.size);
  if ((newRatio < 1 && replicas > current) || (newRatio > 1 && replicas < current)) return current;
  return replicas;
}

/** GetResourceReplicas: a utilization target (percent of the pods' requests). */
export function utilizationReplicas(pods: readonly Pod[], usage: ReadonlyMap<string, PodUsage>, resource: string, targetPercent: number, currentReplicas: number, now: number, container?: string): UtilizationResult {
  if (pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const g = groupPods(pods, usage, resource, now);
  const requests = new Map<string, number>();
  for (const pod of g.counted) {
    const request = podRequest(pod, resource, container);
    if (typeof request !== 'number') return request;
    requests.set(pod.metadata?.name ?? '', request);
  }
  if (g.metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  const { utilization, rawAverage } = utilizationOf(g.metrics, requests);
  const ratio = utilization / targetPercent;
  const missingDown = (name: string) => ((requests.get(name) ?? 0) * Math.max(100, targetPercent)) / 100;
  const replicas = withFilledIn(g, ratio, currentReplicas, missingDown, (m) => utilizationOf(m, requests).utilization / targetPercent);
  return { replicas, utilization, rawAverage };
}

/** The CPU utilization case (autoscaling/v1's one metric). */
export function cpuReplicas(pods: readonly Pod[], usage: ReadonlyMap<string, PodUsage>, targetPercent: number, currentReplicas: number, now: number): ReplicaResult {
  const r = utilizationReplicas(pods, usage, 'cpu', targetPercent, currentReplicas, now);
  return 'error' in r ? r : { replicas: r.replicas, utilization: r.utilization };
}

/** GetRawResourceReplicas: an average-value target (milli-units per pod). */
export function averageValueReplicas(pods: readonly Pod[], usage: ReadonlyMap<string, PodUsage>, resource: string, targetMilli: number, currentReplicas: number, now: number): AverageValueResult {
  if (pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const g = groupPods(pods, usage, resource, now);
  if (g.metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  const averageOf = (m: Map<string, number>) => Math.floor([...m.values()].reduce((a, b) => a + b, 0) / m.size);
  const average = averageOf(g.metrics);
  const replicas = withFilledIn(g, average / targetMilli, currentReplicas, () => targetMilli, (m) => averageOf(m) / targetMilli);
  return { replicas, average };
}

/** The bounds upstream puts on a recommendation without behavior: min/max replicas, and at most max(2 × current, 4) in one step up. */
export function boundedReplicas(current: number, desired: number, min: number, max: number): number {
  return limitedReplicas(current, desired, min, max).replicas;
}

/** convertDesiredReplicasWithRules: the bounded count, and the ScalingLimited reason and message for it. */
export function limitedReplicas(current: number, desired: number, min: number, max: number): { replicas: number; reason: string; message: string } {
  const upLimit = Math.max(2 * current, 4);
  const [highest, reason, message] =
    max > upLimit
      ? [upLimit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
      : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
  if (desired < min) return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  if (desired > highest) return { replicas: highest, reason, message };
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}

/**
 * Upstream's downscale stabilization: each HPA's recommendations of the last `windowMs`;
 * the one acted on is the highest of them, so a brief dip does not scale down.
 */
export class RecommendationWindow {
  private readonly recent = new Map<string, Array<{ at: number; replicas: number }>>();

  constructor(private readonly windowMs: number) {}

  /** Records `replicas` for `key` at `now`; returns the highest recommendation within the window. */
  stabilize(key: string, replicas: number, now: number): number {
    const kept = (this.recent.get(key) ?? []).filter((r) => now - r.at < this.windowMs);
    kept.push({ at: now, replicas });
    this.recent.set(key, kept);
    return Math.max(...kept.map((r) => r.replicas));
  }

  /** recordInitialRecommendation: an HPA seen for the first time starts with its current replicas as a recommendation. */
  seed(key: string, replicas: number, now: number): void {
    if (!this.recent.has(key)) this.recent.set(key, [{ at: now, replicas }]);
  }

  forget(key: string): void {
    this.recent.delete(key);
  }
}
