/**
 * autoscaling/v2 scaling behavior: how fast an autoscaler may scale up and down, and its
 * defaults (pkg/apis/autoscaling/v2/defaults.go): a behavior that is set has every unset
 * rule filled from these; an unset behavior stays unset (the controller then uses the
 * same rules, with its own --horizontal-pod-autoscaler-downscale-stabilization window).
 */
import { f, object, t, type Infer } from '../../schema/dsl.js';

export const HPAScalingPolicySchema = object('HPAScalingPolicy', 'One limit on change that must hold over a past period.', {
  type: f(1, t.string(), 'Pods (an absolute number of pods) or Percent (of the current replicas).'),
  value: f(2, t.int32(), 'How much change the policy allows; greater than zero.'),
  periodSeconds: f(3, t.int32(), 'The period the policy holds over, 1 to 1800 seconds.'),
});
export type HPAScalingPolicy = Infer<typeof HPAScalingPolicySchema>;

export const HPAScalingRulesSchema = object('HPAScalingRules', 'Scaling policies and stabilization for one direction.', {
  stabilizationWindowSeconds: f(3, t.int32(), 'Seconds of past recommendations to consider (0 to 3600); unset: 0 up, 300 down.', { pointer: true }),
  selectPolicy: f(1, t.string(), 'Which policy applies: Max (default), Min or Disabled.'),
  policies: f(2, t.list(t.object(() => HPAScalingPolicySchema), { listType: 'atomic' }), 'The policies; unset: the defaults for the direction.'),
});
export type HPAScalingRules = Infer<typeof HPAScalingRulesSchema>;

export const HorizontalPodAutoscalerBehaviorSchema = object('HorizontalPodAutoscalerBehavior', 'Scaling rules for both directions.', {
  scaleUp: f(1, t.object(() => HPAScalingRulesSchema), 'Rules for scaling up; unset: double or add 4 pods per 15 s, no stabilization.'),
  scaleDown: f(2, t.object(() => HPAScalingRulesSchema), 'Rules for scaling down; unset: down to minReplicas per 15 s, 300 s stabilization.'),
});
export type HorizontalPodAutoscalerBehavior = Infer<typeof HorizontalPodAutoscalerBehaviorSchema>;

/** Upstream's defaults for scaling up: the larger of +4 pods and +100 % per 15 s, no stabilization. */
export function defaultScaleUpRules(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/**
 * Upstream's defaults for scaling down: −100 % per 15 s. The window stays unset so the
 * controller's --horizontal-pod-autoscaler-downscale-stabilization (300 s) applies.
 */
export function defaultScaleDownRules(): HPAScalingRules {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** `rules` with every unset part taken from `defaults` (GenerateHPAScale{Up,Down}Rules). */
export function withDefaultRules(rules: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!rules) return defaults;
  const out: HPAScalingRules = {};
  const window = rules.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds;
  if (window !== undefined) out.stabilizationWindowSeconds = window;
  out.selectPolicy = rules.selectPolicy ?? defaults.selectPolicy;
  out.policies = rules.policies ?? defaults.policies;
  return out;
}
