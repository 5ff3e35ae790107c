import type { KindSpec } from '../../schema/dsl.js';

/** Every batch v1 kind, in the order discovery lists them. */
export const batchV1Kinds: readonly KindSpec[] = [];
