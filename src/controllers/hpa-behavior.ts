/**
 * Scaling with autoscaling/v2 `behavior`, as upstream's normalizeDesiredReplicasWithBehaviors:
 * a recommendation is first stabilized (the lowest of the scale-up window, the highest of
 * the scale-down window), then rate-limited by the direction's policies against the scale
 * events of their periods (Max: the policy allowing the most change; Min: the least;
 * Disabled: none). Keeps, per autoscaler, the recommendations and scale events it needs;
 * time is passed in.
 */
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from '../api/autoscaling/v2/index.js';

interface Sample {
  at: number;
  replicas: number;
}
interface ScaleEvent {
  at: number;
  change: number;
}

/** What normalization decided: the replicas, and the AbleToScale and ScalingLimited reasons for it. */
export interface Normalized {
  replicas: number;
  ableToScale: { reason: string; message: string };
  limited: { status: 'True' | 'False'; reason: string; message: string };
}

const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const WITHIN = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };

export class BehaviorHistory {
  private readonly recommendations = new Map<string, Sample[]>();
  private readonly ups = new Map<string, ScaleEvent[]>();
  private readonly downs = new Map<string, ScaleEvent[]>();

  /**
   * The replicas to scale to for `desired`, as upstream with a behavior. `behavior` must be
   * defaulted (the API server does it); an unset scale-down window is `defaultDownWindowS`
   * (the controller's --horizontal-pod-autoscaler-downscale-stabilization).
   */
  normalize(key: string, behavior: HorizontalPodAutoscalerBehavior, current: number, desired: number, min: number, max: number, now: number, defaultDownWindowS: number): Normalized {
    const up = behavior.scaleUp ?? {};
    const down = behavior.scaleDown ?? {};
    const upCutoff = now - (up.stabilizationWindowSeconds ?? 0) * 1000;
    const downCutoff = now - (down.stabilizationWindowSeconds ?? defaultDownWindowS) * 1000;
    let upRec = desired;
    let downRec = desired;
    const samples = this.recommendations.get(key) ?? [];
    let old = -1;
    samples.forEach((s, i) => {
      if (s.at > upCutoff) upRec = Math.min(s.replicas, upRec);
      if (s.at > downCutoff) downRec = Math.max(s.replicas, downRec);
      if (s.at < upCutoff && s.at < downCutoff) old = i;
    });
    let stabilized = Math.max(current, upRec);
    stabilized = Math.min(stabilized, downRec);
    // An outdated sample is reused rather than the list growing.
    if (old >= 0) samples[old] = { at: now, replicas: desired };
    else samples.push({ at: now, replicas: desired });
    this.recommendations.set(key, samples);
    const ableToScale =
      stabilized === desired
        ? READY
        : desired >= current
          ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
          : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
    const limited = this.rateLimited(key, up, down, current, stabilized, min, max, now);
    return { replicas: limited.replicas, ableToScale, limited: { status: limited.replicas === stabilized ? 'False' : 'True', reason: limited.reason, message: limited.message } };
  }

  /** recordInitialRecommendation: an HPA seen for the first time starts with its current replicas as a recommendation. */
  seed(key: string, replicas: number, now: number): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ at: now, replicas }]);
  }

  /** storeScaleEvent: remembers a change the controller made, for the policies' periods. */
  recordScale(key: string, behavior: HorizontalPodAutoscalerBehavior, from: number, to: number, now: number): void {
    if (to === from) return;
    const [map, rules] = to > from ? [this.ups, behavior.scaleUp] : [this.downs, behavior.scaleDown];
    const longest = Math.max(0, ...(rules?.policies ?? []).map((p) => p.periodSeconds ?? 0)) * 1000;
    const events = map.get(key) ?? [];
    const outdated = events.findIndex((e) => e.at + longest < now);
    const event = { at: now, change: Math.abs(to - from) };
    if (outdated >= 0) events[outdated] = event;
    else events.push(event);
    map.set(key, events);
  }

  forget(key: string): void {
    this.recommendations.delete(key);
    this.ups.delete(key);
    this.downs.delete(key);
  }

  /** convertDesiredReplicasWithBehaviorRate. */
  private rateLimited(key: string, up: HPAScalingRules, down: HPAScalingRules, current: number, desired: number, min: number, max: number, now: number): { replicas: number; reason: string; message: string } {
    const ups = this.ups.get(key) ?? [];
    const downs = this.downs.get(key) ?? [];
    if (desired > current) {
      const limit = Math.max(current, scaleLimit('up', current, ups, downs, up, now));
      const [allowed, reason, message] =
        max > limit ? [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'] : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
      if (desired > allowed) return { replicas: allowed, reason, message };
    } else if (desired < current) {
      const limit = Math.min(current, scaleLimit('down', current, ups, downs, down, now));
      const [allowed, reason, message] =
        min < limit ? [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate'] : [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
      if (desired < allowed) return { replicas: allowed, reason, message };
    }
    return { replicas: desired, ...WITHIN };
  }
}

/** Replicas changed by the events within the last `periodSeconds`. */
function changeWithin(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.filter((e) => e.at > cutoff).reduce((sum, e) => sum + e.change, 0);
}

/**
 * calculateScale{Up,Down}Limit…: the most (up) or fewest (down) replicas the policies allow,
 * each counted from the replicas at the start of its period.
 */
function scaleLimit(direction: 'up' | 'down', current: number, ups: readonly ScaleEvent[], downs: readonly ScaleEvent[], rules: HPAScalingRules, now: number): number {
  const select = rules.selectPolicy ?? 'Max';
  if (select === 'Disabled') return current;
  // Max picks the biggest change: the highest limit up, the lowest down; Min the reverse.
  const pickHigher = (direction === 'up') === (select !== 'Min');
  let result = pickHigher ? -Infinity : Infinity;
  for (const p of rules.policies ?? []) {
    const period = p.periodSeconds ?? 0;
    const start = current - changeWithin(period, ups, now) + changeWithin(period, downs, now);
    const value = p.value ?? 0;
    let proposed: number;
    if (direction === 'up') proposed = p.type === 'Pods' ? start + value : Math.ceil(start * (1 + value / 100));
    else proposed = p.type === 'Pods' ? start - value : Math.trunc(start * (1 - value / 100));
    result = pickHigher ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}
