import type { Pod } from '../../api/core/v1/pod.js';
import type { FilterPlugin, PreFilterPlugin, ScorePlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { podRequests, type PodRequests } from '../resources.js';
import { SUCCESS, unschedulable, type Status } from '../status.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';

export interface InsufficientResource {
  resourceName: string;
  /** Kubernetes' wording: "Insufficient cpu", "Too many pods". */
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface NodeResourcesFitArgs {
  /** LeastAllocated (spread, the default) or MostAllocated (bin packing). */
  scoringStrategy?: { type?: 'LeastAllocated' | 'MostAllocated'; resources?: ResourceSpec[] };
}

const DEFAULT_RESOURCES: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/**
 * What the node lacks for the pod: the pod count against allocatable `pods` (maxPods),
 * then every requested resource (cpu, memory, ephemeral-storage, extended resources —
 * a resource the node does not list has 0 allocatable).
 */
export function fitsRequest(pod: Pod, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = node.allocatable;
  const allowedPods = alloc.pods ?? 110;
  if (node.pods.size + 1 > allowedPods) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: node.pods.size, capacity: allowedPods });
  }
  const req = podRequests(pod).requests;
  for (const name in req) {
    const want = req[name] ?? 0;
    if (want === 0 || name === 'pods') continue;
    const cap = alloc[name] ?? 0;
    const used = node.requested[name] ?? 0;
    if (want > cap - used) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: want, used, capacity: cap });
  }
  return out;
}

/**
 * fitsRequest without allocating: the Filter's hot path (most nodes fit). Reads the
 * node's running totals and the pod's precomputed request vector as plain fields.
 */
function fitsQuickly(r: PodRequests, node: NodeInfo): boolean {
  if (node.pods.size + 1 > node.allocPods) return false;
  if (r.cpu !== 0 && r.cpu > node.allocCpu - node.requestedCpu) return false;
  if (r.memory !== 0 && r.memory > node.allocMemory - node.requestedMemory) return false;
  const scalar = r.scalar;
  if (scalar.length === 0) return true;
  const alloc = node.allocatable;
  const used = node.requested;
  for (let i = 0; i < scalar.length; i++) {
    const [name, want] = scalar[i] as readonly [string, number];
    if (want > (alloc[name] ?? 0) - (used[name] ?? 0)) return false;
  }
  return true;
}

export function nodeResourcesFitFilter(pod: Pod, node: NodeInfo): Status {
  if (fitsQuickly(podRequests(pod), node)) return SUCCESS;
  const lacks = fitsRequest(pod, node);
  return lacks.length === 0 ? SUCCESS : unschedulable(...lacks.map((l) => l.reason));
}

/** The requested amount of a resource: the node's pods + this pod, scoring defaults for unset cpu/memory. */
export function requestedWithPod(pod: Pod, node: NodeInfo, resource: string): number {
  return requestedWith(podRequests(pod), node, resource);
}

/** requestedWithPod for requests already computed (one lookup per node, not one per resource). */
export function requestedWith(r: PodRequests, node: NodeInfo, resource: string): number {
  if (resource === 'cpu') return node.nonZeroCpu + r.nonZeroCpu;
  if (resource === 'memory') return node.nonZeroMemory + r.nonZeroMemory;
  return (node.requested[resource] ?? 0) + (r.requests[resource] ?? 0);
}

/** The node's allocatable amount of a resource (plain fields for cpu and memory). */
export function allocatableOf(node: NodeInfo, resource: string): number {
  if (resource === 'cpu') return node.allocCpu;
  if (resource === 'memory') return node.allocMemory;
  return node.allocatable[resource] ?? 0;
}

/** Requested amount (see requestedWithPod) and allocatable. */
export function requestedAndAllocatable(pod: Pod, node: NodeInfo, resource: string): [number, number] {
  return [requestedWithPod(pod, node, resource), allocatableOf(node, resource)];
}

/** LeastAllocated: the weighted mean of free fractions, 0..100. */
export function leastAllocatedScore(pod: Pod, node: NodeInfo, resources: readonly ResourceSpec[] = DEFAULT_RESOURCES): number {
  return leastAllocated(podRequests(pod), node, resources);
}

/** MostAllocated: the weighted mean of used fractions, 0..100 (bin packing). */
export function mostAllocatedScore(pod: Pod, node: NodeInfo, resources: readonly ResourceSpec[] = DEFAULT_RESOURCES): number {
  return mostAllocated(podRequests(pod), node, resources);
}

function leastAllocated(r: PodRequests, node: NodeInfo, resources: readonly ResourceSpec[]): number {
  let sum = 0;
  let weights = 0;
  for (let i = 0; i < resources.length; i++) {
    const { name, weight } = resources[i] as ResourceSpec;
    const alloc = allocatableOf(node, name);
    if (alloc === 0) continue;
    const req = requestedWith(r, node, name);
    const s = req > alloc ? 0 : ((alloc - req) * 100) / alloc;
    sum += s * weight;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.floor(sum / weights);
}

function mostAllocated(r: PodRequests, node: NodeInfo, resources: readonly ResourceSpec[]): number {
  let sum = 0;
  let weights = 0;
  for (let i = 0; i < resources.length; i++) {
    const { name, weight } = resources[i] as ResourceSpec;
    const alloc = allocatableOf(node, name);
    if (alloc === 0) continue;
    const req = requestedWith(r, node, name);
    const s = req > alloc ? 100 : (Math.min(req, alloc) * 100) / alloc;
    sum += s * weight;
    weights += weight;
  }
  return weights === 0 ? 0 : Math.floor(sum / weights);
}

export function nodeResourcesFit(args: NodeResourcesFitArgs = {}): PreFilterPlugin & FilterPlugin & ScorePlugin {
  const type = args.scoringStrategy?.type ?? 'LeastAllocated';
  const resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCES;
  const scoreFn = type === 'MostAllocated' ? mostAllocated : leastAllocated;
  return {
    name: NODE_RESOURCES_FIT,
    preFilter: (_s, pod) => {
      podRequests(pod); // computed once here, read from the cache by every Filter call
      return { status: SUCCESS };
    },
    filter: (_s, pod, node) => nodeResourcesFitFilter(pod, node),
    score: (_s, pod, node) => scoreFn(podRequests(pod), node, resources),
    scoreAll: (_s, pod, nodes, out) => {
      const r = podRequests(pod);
      for (let i = 0; i < nodes.length; i++) out[i] = scoreFn(r, nodes[i] as NodeInfo, resources);
    },
  };
}
