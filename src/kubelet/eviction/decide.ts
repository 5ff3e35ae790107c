/**
 * One pass of the eviction manager as a pure function (upstream's synchronize): signals,
 * thresholds, the node's pods and their usage, and the state of the previous pass in; the
 * pressure conditions to report and the one pod to evict (if any) out.
 */
import type { Pod } from '../../api/core/v1/pod.js';
import { evictionMessage } from './message.js';
import { isCriticalPod, rankForEviction, type StatsFn } from './ranking.js';
import type { Observations } from './signals.js';
import { SIGNAL_CONDITION, SIGNAL_RESOURCE, thresholdQuantity, type PressureCondition, type ReclaimResource, type Threshold } from './thresholds.js';

/** What a pass remembers for the next one. Thresholds are the configured objects (identity matters). */
export interface EvictionState {
  /** Thresholds met (past their grace period) last time: they stay met until minReclaim is freed too. */
  thresholdsMet: Threshold[];
  /** When each currently met threshold was first seen met (ms). */
  firstObservedAt: Map<Threshold, number>;
  /** When each pressure condition was last seen (ms): it is reported until the transition period has passed. */
  conditionLastObservedAt: Map<PressureCondition, number>;
}

export const emptyEvictionState = (): EvictionState => ({ thresholdsMet: [], firstObservedAt: new Map(), conditionLastObservedAt: new Map() });

export interface EvictionInput {
  thresholds: readonly Threshold[];
  observations: Observations;
  /** The node's pods that still run (not terminal, not being deleted). */
  pods: readonly Pod[];
  stats: StatsFn;
  now: number;
  state: EvictionState;
  /** --eviction-pressure-transition-period. */
  transitionPeriodMs: number;
  /** --eviction-max-pod-grace-period: the most a soft eviction lets a pod take (negative: the pod's own). */
  maxPodGracePeriodSeconds: number;
}

export interface EvictionChoice {
  pod: Pod;
  threshold: Threshold;
  resource: ReclaimResource;
  /** 0 for a hard threshold; for a soft one the smaller of the pod's and the maximum. */
  gracePeriodSeconds: number;
  message: string;
  annotations: Record<string, string>;
}

export interface EvictionDecision {
  state: EvictionState;
  /** Pressure conditions to report True now. */
  conditions: Set<PressureCondition>;
  /** Thresholds met past their grace period, most urgent first. */
  met: Threshold[];
  evict?: EvictionChoice;
}

/** The thresholds whose signal is below the value (plus minReclaim with `withMinReclaim`). Unobserved signals never meet. */
export function thresholdsMet(thresholds: readonly Threshold[], observations: Observations, withMinReclaim: boolean): Threshold[] {
  return thresholds.filter((t) => {
    const o = observations[t.signal];
    if (!o) return false;
    let q = thresholdQuantity(t.value, o.capacity);
    if (withMinReclaim && t.minReclaim) q = q.add(thresholdQuantity(t.minReclaim, o.capacity));
    return q.cmp(o.available) > 0;
  });
}

/** Memory first (it is the resource the kernel OOM-kills over), the others in configured order. */
const byEvictionPriority = (ts: Threshold[]): Threshold[] => [...ts.filter((t) => t.signal === 'memory.available'), ...ts.filter((t) => t.signal !== 'memory.available')];

export function decideEviction(input: EvictionInput): EvictionDecision {
  const { now, state } = input;
  let met = thresholdsMet(input.thresholds, input.observations, false);
  // Once acting on a threshold, keep at it until minReclaim above it is available too.
  if (state.thresholdsMet.length > 0) {
    for (const t of thresholdsMet(state.thresholdsMet, input.observations, true)) if (!met.includes(t)) met.push(t);
  }
  const firstObservedAt = new Map<Threshold, number>();
  for (const t of met) firstObservedAt.set(t, state.firstObservedAt.get(t) ?? now);
  // A condition is set as soon as a threshold is crossed (soft ones too), and cleared only
  // after it has not been seen for the transition period, so it does not flap.
  const conditionLastObservedAt = new Map(state.conditionLastObservedAt);
  for (const t of met) conditionLastObservedAt.set(SIGNAL_CONDITION[t.signal], now);
  const conditions = new Set<PressureCondition>();
  for (const [c, at] of conditionLastObservedAt) {
    if (now - at < input.transitionPeriodMs) conditions.add(c);
    else conditionLastObservedAt.delete(c);
  }
  met = byEvictionPriority([...firstObservedAt].filter(([t, at]) => now - at >= t.gracePeriodMs).map(([t]) => t));
  const next: EvictionState = { thresholdsMet: met, firstObservedAt, conditionLastObservedAt };
  const decision: EvictionDecision = { state: next, conditions, met };
  const threshold = met[0];
  if (!threshold) return decision;
  const resource = SIGNAL_RESOURCE[threshold.signal];
  // One pod per pass: the next pass sees what its end freed.
  for (const pod of rankForEviction(input.pods, resource, input.stats)) {
    if (isCriticalPod(pod)) continue;
    const hard = threshold.gracePeriodMs === 0;
    const own = pod.spec?.terminationGracePeriodSeconds;
    const max = input.maxPodGracePeriodSeconds;
    const gracePeriodSeconds = hard ? 0 : max < 0 ? (own ?? 30) : Math.min(max, own ?? max);
    const { message, annotations } = evictionMessage(resource, pod, input.stats, met, input.observations);
    decision.evict = { pod, threshold, resource, gracePeriodSeconds, message, annotations };
    break;
  }
  return decision;
}
