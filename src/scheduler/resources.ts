import type { Pod } from '../api/core/v1/pod.js';
import type { Node } from '../api/core/v1/node.js';
import { podResourceTotals, type AmountMath } from '../api/core/v1/pod-resource-totals.js';
import { Quantity } from '../machinery/quantity.js';

/**
 * Resource amounts as plain numbers: `cpu` in millicores, everything else in whole units
 * (bytes, count). Parsed once from Quantity (exact) and cached per object, since the
 * informer's objects are immutable and the same pod is looked at on every node.
 */
export type ResourceAmounts = Record<string, number>;

/** Defaults kube-scheduler assumes for scoring when a container requests nothing. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

// Parsed amounts by text: a cluster uses a handful of distinct request strings ("100m",
// "500Mi"), while every pod seen (queued, assumed, then confirmed) would parse them again.
const parsedCpu = new Map<string, number>();
const parsedOther = new Map<string, number>();
const MAX_PARSED = 4096;

export function amount(name: string, q: unknown): number {
  if (typeof q !== 'string' && typeof q !== 'number') return 0;
  const text = String(q);
  const memo = name === 'cpu' ? parsedCpu : parsedOther;
  const hit = memo.get(text);
  if (hit !== undefined) return hit;
  let v = 0;
  try {
    const parsed = Quantity.parse(text);
    v = name === 'cpu' ? parsed.milliValue() : parsed.value();
  } catch {
    v = 0;
  }
  if (memo.size >= MAX_PARSED) memo.clear();
  memo.set(text, v);
  return v;
}

export function parseResourceList(list: Record<string, unknown> | null | undefined): ResourceAmounts {
  const out: ResourceAmounts = {};
  if (!list) return out;
  for (const [k, v] of Object.entries(list)) out[k] = amount(k, v);
  return out;
}

const NUMBERS: AmountMath<number> = { parse: amount, add: (a, b) => a + b, max: Math.max };
const NON_ZERO_DEFAULTS = { cpu: DEFAULT_MILLI_CPU_REQUEST, memory: DEFAULT_MEMORY_REQUEST };

export interface PodRequests {
  /** Effective requests: max(sum of app containers + sidecars, any init step) + overhead. */
  requests: ResourceAmounts;
  /** The same with the scoring defaults for cpu/memory where nothing was requested. */
  nonZeroCpu: number;
  nonZeroMemory: number;
  /** requests.cpu / requests.memory (0 when absent), read by the Filter without a keyed lookup. */
  cpu: number;
  memory: number;
  /** The other requested resources (not cpu, memory or pods), as [name, amount]. */
  scalar: ReadonlyArray<readonly [string, number]>;
}

const requestCache = new WeakMap<object, PodRequests>();

/**
 * The pod's resource requests as kube-scheduler computes them (resourcehelper.PodRequests):
 * app containers are summed; restartable init containers (sidecars) add to the running
 * sum; each ordinary init container runs alone beside the sidecars started before it, so
 * the pod needs the max of those steps; the pod overhead is added on top.
 */
// One-entry memo in front of the WeakMap: a cycle asks about the same pod on every node.
let lastPod: Pod | undefined;
let lastRequests: PodRequests | undefined;

export function podRequests(pod: Pod): PodRequests {
  if (pod === lastPod && lastRequests) return lastRequests;
  const cached = requestCache.get(pod);
  if (cached) {
    lastPod = pod;
    lastRequests = cached;
    return cached;
  }
  const sum: ResourceAmounts = Object.fromEntries(podResourceTotals(pod.spec, 'requests', NUMBERS));
  // Scoring assumes defaults for every container that states no cpu/memory, as upstream's NonMissingContainerRequests.
  const nonZero = podResourceTotals(pod.spec, 'requests', NUMBERS, { nonMissing: NON_ZERO_DEFAULTS });
  const nzCpu = nonZero.get('cpu') ?? 0;
  const nzMem = nonZero.get('memory') ?? 0;
  for (const k of Object.keys(sum)) if (sum[k] === 0) delete sum[k];
  const scalar: Array<readonly [string, number]> = [];
  for (const k in sum) if (k !== 'cpu' && k !== 'memory' && k !== 'pods') scalar.push([k, sum[k] as number]);
  const out: PodRequests = { requests: sum, nonZeroCpu: nzCpu, nonZeroMemory: nzMem, cpu: sum.cpu ?? 0, memory: sum.memory ?? 0, scalar };
  requestCache.set(pod, out);
  return out;
}

/**
 * Lets a copy of a pod that differs only outside its resources (the scheduler's assumed
 * pod with spec.nodeName set) reuse the original's computed requests.
 */
export function shareRequests(copy: Pod, original: Pod): void {
  requestCache.set(copy, podRequests(original));
}

const allocatableCache = new WeakMap<object, ResourceAmounts>();

/** The node's allocatable resources (capacity when allocatable is absent). */
export function nodeAllocatable(node: Node): ResourceAmounts {
  const cached = allocatableCache.get(node);
  if (cached) return cached;
  const st = node.status;
  const out = parseResourceList((st?.allocatable ?? st?.capacity) as Record<string, unknown> | undefined);
  allocatableCache.set(node, out);
  return out;
}
