import type { KindSpec } from '../../schema/dsl.js';
import { HorizontalPodAutoscalerKind } from './horizontal-pod-autoscaler.js';

export * from './metrics.js';
export * from './behavior.js';
export * from './horizontal-pod-autoscaler.js';
export { formatHpaMetrics } from './targets.js';
export { validateHorizontalPodAutoscalerSpec } from './validation.js';

/** Every top-level autoscaling/v2 resource; HorizontalPodAutoscaler is stored in this version. */
export const autoscalingV2Kinds: readonly KindSpec[] = [HorizontalPodAutoscalerKind];
