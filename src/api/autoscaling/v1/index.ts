import type { KindSpec } from '../../schema/dsl.js';
import { ScaleKind } from './scale.js';
import { HorizontalPodAutoscalerKind } from './horizontal-pod-autoscaler.js';

export * from './scale.js';
export * from './horizontal-pod-autoscaler.js';

/**
 * Every top-level autoscaling/v1 resource, in discovery order. autoscaling/v2 is not served:
 * its objects share storage with v1's and skiff has no conversion between versions yet.
 */
export const autoscalingV1Kinds: readonly KindSpec[] = [HorizontalPodAutoscalerKind];

/** Kinds that only appear as subresource bodies (`deployments/scale` etc.). */
export const autoscalingV1SubresourceKinds: readonly KindSpec[] = [ScaleKind];
