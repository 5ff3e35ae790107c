import type { KindSpec } from '../../schema/dsl.js';
import { ScaleKind } from './scale.js';
import { HorizontalPodAutoscalerKind } from './horizontal-pod-autoscaler.js';

export * from './scale.js';
export * from './horizontal-pod-autoscaler.js';
export * from './annotations.js';
export { hpaV1ToV2, hpaV2ToV1 } from './conversion.js';

/**
 * Every top-level autoscaling/v1 resource, in discovery order. HorizontalPodAutoscalers are
 * stored as autoscaling/v2 and converted (conversion.ts).
 */
export const autoscalingV1Kinds: readonly KindSpec[] = [HorizontalPodAutoscalerKind];

/** Kinds that only appear as subresource bodies (`deployments/scale` etc.). */
export const autoscalingV1SubresourceKinds: readonly KindSpec[] = [ScaleKind];
