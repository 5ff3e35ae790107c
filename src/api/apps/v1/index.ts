import type { KindSpec } from '../../schema/dsl.js';

/** Every apps v1 kind, in the order discovery lists them. */
export const appsV1Kinds: readonly KindSpec[] = [];
