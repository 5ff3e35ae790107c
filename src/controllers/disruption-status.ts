/**
 * The disruption controller's arithmetic (pkg/controller/disruption): how many pods a
 * PodDisruptionBudget wants healthy, which pods count as healthy, which recent evictions
 * still count against it, and the status and DisruptionAllowed condition that result.
 * No I/O; table-tested in disruption.test.ts.
 */
import type { PodDisruptionBudget } from '../api/policy/v1/pod-disruption-budget.js';
import type { Pod } from '../api/core/v1/pod.js';
import { rfc3339 } from '../client/micro-time.js';
import { isPodReady } from './pod-util.js';

export type PdbStatus = NonNullable<PodDisruptionBudget['status']>;
type PdbCondition = NonNullable<PdbStatus['conditions']>[number];

/**
 * How long an eviction recorded in status.disruptedPods keeps its pod out of the healthy
 * count while the pod is not yet seen terminating (upstream's DeletionTimeout).
 */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const REASON_SUFFICIENT_PODS = 'SufficientPods';
export const REASON_INSUFFICIENT_PODS = 'InsufficientPods';
export const REASON_SYNC_FAILED = 'SyncFailed';

/**
 * intstr.GetScaledValueFromIntOrPercent: an integer as is, `N%` of `total` rounded up or
 * down. Throws for any other string, as upstream does.
 */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  if (!/^[0-9]+%$/.test(v)) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const x = (Number.parseInt(v, 10) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/**
 * Whether expectedPods comes from the scale of the pods' controllers (maxUnavailable, or
 * minAvailable as a percentage) rather than from the number of matching pods (integer
 * minAvailable), as getExpectedPodCount decides.
 */
export function expectedFromScale(pdb: PodDisruptionBudget): boolean {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return true;
  return typeof spec.minAvailable === 'string';
}

/**
 * desiredHealthy for `expected` pods (getExpectedPodCount): expected − maxUnavailable (at
 * least 0), or minAvailable (an integer as is, a percentage of expected rounded up); 0
 * when the budget sets neither.
 */
export function desiredHealthyFor(pdb: PodDisruptionBudget, expected: number): number {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) return Math.max(0, expected - scaledValue(spec.maxUnavailable, expected, true));
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) return scaledValue(spec.minAvailable, expected, true);
  return 0;
}

/**
 * The evictions in status.disruptedPods that still count (buildDisruptedPodMap): those of
 * pods still present, not yet terminating, and evicted less than DELETION_TIMEOUT_MS ago.
 * `expired` are the pods whose deletion never came; `recheckAt` is when the earliest kept
 * entry runs out (the PDB must be looked at again then).
 */
export function disruptedPodsStillPending(
  recorded: Readonly<Record<string, string>> | undefined,
  pods: readonly Pod[],
  now: number,
): { disrupted: Record<string, string>; expired: Pod[]; recheckAt?: number } {
  const disrupted: Record<string, string> = {};
  const expired: Pod[] = [];
  let recheckAt: number | undefined;
  if (!recorded) return { disrupted, expired };
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = recorded[pod.metadata?.name ?? ''];
    if (at === undefined) continue;
    const due = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (Number.isNaN(due) || due < now) {
      expired.push(pod);
      continue;
    }
    disrupted[pod.metadata?.name ?? ''] = at;
    recheckAt = recheckAt === undefined ? due : Math.min(recheckAt, due);
  }
  return recheckAt === undefined ? { disrupted, expired } : { disrupted, expired, recheckAt };
}

/** Pods that count as healthy (countHealthyPods): Ready, not terminating, not just evicted. */
export function countHealthy(pods: readonly Pod[], disrupted: Readonly<Record<string, string>>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const at = disrupted[pod.metadata?.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

/**
 * apimeta.SetStatusCondition: adds or updates the condition of that type; the transition
 * time moves only when the status flips.
 */
export function setStatusCondition(conditions: readonly PdbCondition[] | undefined, cond: Omit<PdbCondition, 'lastTransitionTime'>, now: number): PdbCondition[] {
  const list = (conditions ?? []).map((c) => ({ ...c }));
  const i = list.findIndex((c) => c.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next: PdbCondition = { ...cond, lastTransitionTime: prev && prev.status === cond.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now) };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** The DisruptionAllowed condition for a status (UpdateDisruptionAllowedCondition). */
export function withDisruptionAllowedCondition(status: PdbStatus, now: number): PdbStatus {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  const conditions = setStatusCondition(
    status.conditions,
    {
      type: DISRUPTION_ALLOWED,
      status: allowed ? 'True' : 'False',
      reason: allowed ? REASON_SUFFICIENT_PODS : REASON_INSUFFICIENT_PODS,
      message: '',
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
    },
    now,
  );
  return { ...status, conditions };
}

export interface BudgetCounts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptedPods: Record<string, string>;
}

/**
 * The status updatePdbStatus writes: the counts, disruptionsAllowed = currentHealthy −
 * desiredHealthy (0 when negative, or when no pods are expected, so a budget whose pods
 * have not appeared yet is safe), observedGeneration, the DisruptionAllowed condition.
 * Returns undefined when the stored status already says all that.
 */
export function nextPdbStatus(pdb: PodDisruptionBudget, c: BudgetCounts, now: number): PdbStatus | undefined {
  let allowed = c.currentHealthy - c.desiredHealthy;
  if (c.expectedPods <= 0 || allowed <= 0) allowed = 0;
  const cur = pdb.status ?? ({} as PdbStatus);
  const generation = pdb.metadata?.generation ?? 0;
  if (
    cur.currentHealthy === c.currentHealthy &&
    cur.desiredHealthy === c.desiredHealthy &&
    cur.expectedPods === c.expectedPods &&
    cur.disruptionsAllowed === allowed &&
    sameDisruptedPods(cur.disruptedPods, c.disruptedPods) &&
    (cur.observedGeneration ?? 0) === generation &&
    conditionsUpToDate(pdb)
  ) {
    return undefined;
  }
  const status: PdbStatus = {
    ...(Object.keys(c.disruptedPods).length > 0 ? { disruptedPods: c.disruptedPods } : {}),
    disruptionsAllowed: allowed,
    currentHealthy: c.currentHealthy,
    desiredHealthy: c.desiredHealthy,
    expectedPods: c.expectedPods,
    ...(generation ? { observedGeneration: generation } : {}),
    ...(cur.conditions ? { conditions: cur.conditions } : {}),
  };
  return withDisruptionAllowedCondition(status, now);
}

/**
 * The status failSafe writes when a sync fails: no disruptions allowed, DisruptionAllowed
 * False with reason SyncFailed and the error, everything else as it was.
 */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, now: number): PdbStatus {
  const cur = pdb.status ?? ({} as PdbStatus);
  return {
    ...cur,
    disruptionsAllowed: 0,
    currentHealthy: cur.currentHealthy ?? 0,
    desiredHealthy: cur.desiredHealthy ?? 0,
    expectedPods: cur.expectedPods ?? 0,
    conditions: setStatusCondition(
      cur.conditions,
      { type: DISRUPTION_ALLOWED, status: 'False', reason: REASON_SYNC_FAILED, message, ...(cur.observedGeneration !== undefined ? { observedGeneration: cur.observedGeneration } : {}) },
      now,
    ),
  };
}

/** ConditionsAreUpToDate: the DisruptionAllowed condition agrees with disruptionsAllowed for this generation. */
export function conditionsUpToDate(pdb: PodDisruptionBudget): boolean {
  const cond = pdb.status?.conditions?.find((c) => c.type === DISRUPTION_ALLOWED);
  if (!cond) return false;
  if ((pdb.status?.observedGeneration ?? 0) !== (pdb.metadata?.generation ?? 0)) return false;
  return (pdb.status?.disruptionsAllowed ?? 0) > 0 ? cond.status === 'True' && cond.reason === REASON_SUFFICIENT_PODS : cond.status === 'False' && cond.reason === REASON_INSUFFICIENT_PODS;
}

/** Semantic equality of two disruptedPods maps: absent equals empty; times compared as instants. */
function sameDisruptedPods(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && Date.parse(b[k]) === Date.parse(a?.[k] ?? ''));
}

/**
 * A label selector as Go's generated String() prints it, for the UnmanagedPods event
 * (`&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}`).
 */
export function goLabelSelectorString(sel: { matchLabels?: Record<string, string>; matchExpressions?: ReadonlyArray<{ key?: string; operator?: string; values?: readonly string[] }> } | undefined): string {
  if (!sel) return '<nil>';
  const labels = Object.entries(sel.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v},`)
    .join('');
  const exprs = (sel.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}
