import type { KindSpec } from '../../schema/dsl.js';

/** Every coordination v1 kind, in the order discovery lists them. */
export const coordinationV1Kinds: readonly KindSpec[] = [];
