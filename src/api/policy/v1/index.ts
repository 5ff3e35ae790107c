import type { KindSpec } from '../../schema/dsl.js';
import { EvictionKind, PodDisruptionBudgetKind } from './pod-disruption-budget.js';

export * from './pod-disruption-budget.js';

/** Every top-level policy/v1 resource, in the order discovery lists them. */
export const policyV1Kinds: readonly KindSpec[] = [PodDisruptionBudgetKind];

/** Kinds that only appear as subresource bodies (`pods/eviction`). */
export const policyV1SubresourceKinds: readonly KindSpec[] = [EvictionKind];
