import type { KindSpec } from '../../schema/dsl.js';

/** Every policy v1 kind, in the order discovery lists them. */
export const policyV1Kinds: readonly KindSpec[] = [];
