import type { KindSpec } from '../../schema/dsl.js';
import { ScaleKind } from './scale.js';

export * from './scale.js';

/**
 * Every top-level autoscaling/v1 resource, in discovery order. (HorizontalPodAutoscaler is
 * not served yet; Scale is only a subresource body, see autoscalingV1SubresourceKinds.)
 */
export const autoscalingV1Kinds: readonly KindSpec[] = [];

/** Kinds that only appear as subresource bodies (`deployments/scale` etc.). */
export const autoscalingV1SubresourceKinds: readonly KindSpec[] = [ScaleKind];
