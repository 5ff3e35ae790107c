/**
 * Which pod goes first under each kind of pressure, in upstream's order (eviction
 * helpers' rankMemoryPressure, rankDiskPressureFunc, rankPIDPressure), and which pods are
 * never evicted (critical ones).
 */
import type { Pod } from '../../api/core/v1/pod.js';
import { podRequests } from '../../scheduler/resources.js';
import type { ReclaimResource } from './thresholds.js';

/** What the kubelet measured of one container. */
export interface ContainerUsageStats {
  name: string;
  workingSetBytes?: number;
  /** Writable layer + logs, in bytes. */
  diskBytes?: number;
  inodes?: number;
}

/** What the kubelet measured of one pod; pod figures are the sums of its containers' plus its local volumes. */
export interface PodUsageStats {
  containers: ContainerUsageStats[];
  workingSetBytes?: number;
  diskBytes?: number;
  inodes?: number;
  processes?: number;
}

export type StatsFn = (pod: Pod) => PodUsageStats | undefined;

/** Upstream's SystemCriticalPriority: system-cluster-critical and system-node-critical are at or above it. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

/**
 * Static and mirror pods (their config source is not the API server) and pods of a system
 * priority, as upstream's IsCriticalPod: the node needs them, eviction skips them.
 */
export function isCriticalPod(pod: Pod): boolean {
  const ann = pod.metadata?.annotations ?? {};
  const source = ann['kubernetes.io/config.source'];
  if ((source !== undefined && source !== 'api') || ann['kubernetes.io/config.mirror'] !== undefined) return true;
  return (pod.spec?.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY;
}

type Cmp = (a: Pod, b: Pod) => number;

/** true before false. */
const cmpBool = (a: boolean, b: boolean): number => (a === b ? 0 : a ? -1 : 1);

const byPriority: Cmp = (a, b) => Math.sign((a.spec?.priority ?? 0) - (b.spec?.priority ?? 0));

/** A comparator over measured pods: pods without stats go first, as upstream. */
function measured(stats: StatsFn, cmp: (a: PodUsageStats, b: PodUsageStats, pa: Pod, pb: Pod) => number): Cmp {
  return (pa, pb) => {
    const a = stats(pa);
    const b = stats(pb);
    if (!a || !b) return cmpBool(!a, !b);
    return cmp(a, b, pa, pb);
  };
}

/** The pod's request of a resource (upstream's GetResourceRequestQuantity), in its units. */
export function podRequest(pod: Pod, resource: 'memory' | 'ephemeral-storage'): number {
  return podRequests(pod).requests[resource] ?? 0;
}

function usageOf(s: PodUsageStats, resource: ReclaimResource): number {
  switch (resource) {
    case 'memory':
      return s.workingSetBytes ?? 0;
    case 'ephemeral-storage':
      return s.diskBytes ?? 0;
    case 'inodes':
      return s.inodes ?? 0;
    case 'pids':
      return s.processes ?? 0;
  }
}

/** The request of the resource itself (nobody requests inodes or pids: 0). */
const requestOf = (pod: Pod, resource: ReclaimResource): number => (resource === 'memory' || resource === 'ephemeral-storage' ? podRequest(pod, resource) : 0);

/** What usage above the request is measured against: upstream's disk ranking subtracts the ephemeral-storage request for inodes too. */
const requestFor = (pod: Pod, resource: ReclaimResource): number => (resource === 'inodes' ? podRequest(pod, 'ephemeral-storage') : requestOf(pod, resource));

const exceedsRequests = (stats: StatsFn, resource: ReclaimResource): Cmp =>
  measured(stats, (a, b, pa, pb) => cmpBool(usageOf(a, resource) > requestOf(pa, resource), usageOf(b, resource) > requestOf(pb, resource)));

/** Larger consumption above the request first. */
const aboveRequests = (stats: StatsFn, resource: ReclaimResource): Cmp =>
  measured(stats, (a, b, pa, pb) => Math.sign(usageOf(b, resource) - requestFor(pb, resource) - (usageOf(a, resource) - requestFor(pa, resource))));

const byProcesses = (stats: StatsFn): Cmp => measured(stats, (a, b) => Math.sign((b.processes ?? 0) - (a.processes ?? 0)));

function orderedBy(...cmps: Cmp[]): Cmp {
  return (a, b) => {
    for (const c of cmps) {
      const r = c(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };
}

/**
 * The pods in the order they are evicted for `resource`: memory and disk — pods using more
 * than they request first, then lower priority, then larger usage above the request; pids —
 * lower priority, then more processes. Returns a new array.
 */
export function rankForEviction(pods: readonly Pod[], resource: ReclaimResource, stats: StatsFn): Pod[] {
  const cmp = resource === 'pids' ? orderedBy(byPriority, byProcesses(stats)) : orderedBy(exceedsRequests(stats, resource), byPriority, aboveRequests(stats, resource));
  return [...pods].sort(cmp);
}
