import type { KindSpec } from '../../schema/dsl.js';

/** Every autoscaling v1 kind, in the order discovery lists them. */
export const autoscalingV1Kinds: readonly KindSpec[] = [];
