/**
 * Pure helpers of the node lifecycle controller: the taints a node's Ready condition and
 * spec.unschedulable call for, and when a pod on a NoExecute-tainted node must go (upstream's taint manager).
 */
import type { Node } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { Taint } from '../api/core/v1/toleration.js';
import { toleratesTaint } from '../scheduler/helpers.js';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const OURS = new Set([TAINT_UNREACHABLE, TAINT_NOT_READY]);

/** Ready=Unknown → unreachable, Ready=False → not-ready (both NoSchedule and NoExecute), Ready=True → none. */
export function wantedTaintKey(node: Node): string | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return undefined;
  if (ready.status === 'Unknown') return TAINT_UNREACHABLE;
  if (ready.status === 'False') return TAINT_NOT_READY;
  return undefined;
}

/**
 * The node's taints with ours made to match `key` (undefined = none of ours). Returns
 * undefined when nothing changes. A kept NoExecute taint keeps its timeAdded.
 */
export function reconcileTaints(taints: readonly Taint[], key: string | undefined, nowIso: string): Taint[] | undefined {
  const others = taints.filter((t) => !OURS.has(t.key ?? ''));
  const keep = taints.filter((t) => t.key === key && (t.effect === 'NoSchedule' || t.effect === 'NoExecute'));
  const next = [...others];
  if (key) {
    next.push(keep.find((t) => t.effect === 'NoSchedule') ?? { key, effect: 'NoSchedule' });
    next.push(keep.find((t) => t.effect === 'NoExecute') ?? { key, effect: 'NoExecute', timeAdded: nowIso });
  }
  const same = next.length === taints.length && next.every((t) => taints.includes(t));
  return same ? undefined : next;
}

/**
 * The node's taints with `node.kubernetes.io/unschedulable:NoSchedule` present exactly
 * while spec.unschedulable is true (`kubectl cordon`), as upstream's
 * doNoScheduleTaintingPass; the taint gets a timeAdded, as SwapNodeControllerTaint gives
 * it. Every other taint, including an unschedulable key with another effect, is left as it
 * is. Returns undefined when nothing changes.
 */
export function reconcileUnschedulableTaint(taints: readonly Taint[], unschedulable: boolean, nowIso: string): Taint[] | undefined {
  const ours = (t: Taint) => t.key === TAINT_UNSCHEDULABLE && t.effect === 'NoSchedule';
  if (taints.some(ours) === unschedulable) return undefined;
  return unschedulable ? [...taints, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: nowIso }] : taints.filter((t) => !ours(t));
}

/** The NoSchedule taint each kubelet-reported condition calls for while True (upstream's TaintNodesByCondition). */
export const CONDITION_TAINTS: Readonly<Record<string, string>> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};

/**
 * The node's taints with the condition taints (`node.kubernetes.io/memory-pressure:NoSchedule`
 * …) present exactly while their condition is True, as upstream's doNoScheduleTaintingPass;
 * an added taint gets a timeAdded. Other taints are left as they are. Undefined when nothing changes.
 */
export function reconcileConditionTaints(taints: readonly Taint[], conditions: ReadonlyArray<{ type?: string; status?: string }>, nowIso: string): Taint[] | undefined {
  const ours = new Set(Object.values(CONDITION_TAINTS));
  const wanted = new Set(conditions.filter((c) => c.status === 'True' && CONDITION_TAINTS[c.type ?? '']).map((c) => CONDITION_TAINTS[c.type ?? ''] as string));
  const isOurs = (t: Taint) => ours.has(t.key ?? '') && t.effect === 'NoSchedule';
  const kept = taints.filter((t) => !isOurs(t) || wanted.has(t.key ?? ''));
  const added = [...wanted].filter((k) => !kept.some((t) => t.key === k && t.effect === 'NoSchedule')).map((key): Taint => ({ key, effect: 'NoSchedule', timeAdded: nowIso }));
  return kept.length === taints.length && added.length === 0 ? undefined : [...kept, ...added];
}

/** The controller's taint passes (Ready condition, pressure conditions, spec.unschedulable); undefined when nothing changes. */
export function wantedTaints(node: Node, nowIso: string): Taint[] | undefined {
  const taints = node.spec?.taints ?? [];
  const byReady = reconcileTaints(taints, wantedTaintKey(node), nowIso);
  const byConditions = reconcileConditionTaints(byReady ?? taints, node.status?.conditions ?? [], nowIso) ?? byReady;
  return reconcileUnschedulableTaint(byConditions ?? taints, node.spec?.unschedulable === true, nowIso) ?? byConditions;
}

/**
 * When the pod must be evicted from a node with these taints, in ms since the epoch:
 * undefined when no NoExecute taint applies or every one is tolerated forever; `now` (or
 * earlier) when a taint is not tolerated at all. Otherwise the earliest of
 * taint.timeAdded + the matching toleration's tolerationSeconds (the smallest, when
 * several match), as upstream's getMinTolerationTime.
 */
export function evictionTime(pod: Pod, taints: readonly Taint[], now: number): number | undefined {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return undefined;
  const tolerations = pod.spec?.tolerations ?? [];
  let at: number | undefined;
  for (const taint of noExecute) {
    const matching = tolerations.filter((t) => toleratesTaint(t, { key: taint.key ?? '', value: taint.value, effect: taint.effect }));
    if (matching.length === 0) return now;
    const secs = matching.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
    if (secs.length === 0) continue; // tolerated forever
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const t = (Number.isNaN(added) ? now : added) + Math.max(0, Math.min(...secs)) * 1000;
    at = at === undefined ? t : Math.min(at, t);
  }
  return at;
}
