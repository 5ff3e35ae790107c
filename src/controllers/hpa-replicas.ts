/**
 * How many replicas a CPU utilization target asks for, as upstream's replica calculator
 * (GetResourceReplicas) works it out: utilization = usage / requests of the pods that have
 * metrics, in whole percent; within 10 % of the target nothing changes; pods without
 * metrics count as at their request when scaling down and as idle when scaling up, unready
 * pods as idle when scaling up — and if that flips the direction, nothing changes either.
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

/** One pod's CPU from the metrics API: millicores over a window ending at `timestamp`. */
export interface PodUsage {
  milli: number;
  timestamp: number;
  windowMs: number;
}

export type ReplicaResult = { replicas: number; utilization: number } | { error: string };

/** Sum of the pod's containers' CPU requests (millicores); a container without one is an error, as upstream. */
export function podCpuRequest(pod: Pod): number | { error: string } {
  let sum = 0;
  for (const c of pod.spec?.containers ?? []) {
    const req = c.resources?.requests?.cpu;
    if (req === undefined) return { error: `missing request for cpu in container ${c.name} of Pod ${pod.metadata?.name}` };
    sum += Quantity.parse(String(req)).milliValue();
  }
  return sum;
}

/** Whether a pod's CPU sample may be used (upstream's groupPods for cpu). */
function unready(pod: Pod, usage: PodUsage, now: number): boolean {
  const cond = readyCondition(pod);
  const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  if (!cond || Number.isNaN(start)) return true;
  const transition = Date.parse(cond.lastTransitionTime ?? '') || 0;
  if (start + CPU_INITIALIZATION_PERIOD_MS > now) return cond.status === 'False' || usage.timestamp < transition + usage.windowMs;
  return cond.status === 'False' && start + DELAY_OF_INITIAL_READINESS_MS > transition;
}

/** Whole-percent utilization of `usage` against `requests`, over the pods in `usage`. */
function utilizationOf(usage: Map<string, number>, requests: Map<string, number>): number {
  let used = 0;
  let requested = 0;
  for (const [name, milli] of usage) {
    used += milli;
    requested += requests.get(name) ?? 0;
  }
  return requested > 0 ? Math.floor((used * 100) / requested) : 0;
}

export function cpuReplicas(pods: readonly Pod[], usage: ReadonlyMap<string, PodUsage>, targetPercent: number, currentReplicas: number, now: number): ReplicaResult {
  if (pods.length === 0) return { error: 'no pods returned by selector while calculating replica count' };
  const requests = new Map<string, number>();
  const metrics = new Map<string, number>();
  const missing: string[] = [];
  const notReady: string[] = [];
  let readyCount = 0;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') continue;
    const request = podCpuRequest(pod);
    if (typeof request !== 'number') return request;
    requests.set(name, request);
    const u = usage.get(name);
    if (pod.status?.phase === 'Pending') notReady.push(name);
    else if (!u) missing.push(name);
    else if (unready(pod, u, now)) notReady.push(name);
    else {
      metrics.set(name, u.milli);
      readyCount++;
    }
  }
  if (metrics.size === 0) return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  const utilization = utilizationOf(metrics, requests);
  const ratio = utilization / targetPercent;
  const scaleUpWithUnready = notReady.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: currentReplicas, utilization };
    return { replicas: Math.ceil(ratio * readyCount), utilization };
  }
  if (ratio < 1) for (const name of missing) metrics.set(name, ((requests.get(name) ?? 0) * Math.max(100, targetPercent)) / 100);
  else if (ratio > 1) for (const name of missing) metrics.set(name, 0);
  if (scaleUpWithUnready) for (const name of notReady) metrics.set(name, 0);
  const newRatio = utilizationOf(metrics, requests) / targetPercent;
  if (Math.abs(1 - newRatio) <= TOLERANCE || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return { replicas: currentReplicas, utilization };
  const replicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, utilization };
  return { replicas, utilization };
}

/** The bounds upstream puts on a recommendation: min/max replicas, and at most max(2 × current, 4) in one step up. */
export function boundedReplicas(current: number, desired: number, min: number, max: number): number {
  const upLimit = Math.max(2 * current, 4);
  const highest = Math.min(max, upLimit);
  return desired < min ? min : desired > highest ? highest : desired;
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

  forget(key: string): void {
    this.recent.delete(key);
  }
}
