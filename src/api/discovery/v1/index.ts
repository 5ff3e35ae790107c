import type { KindSpec } from '../../schema/dsl.js';

/** Every discovery v1 kind, in the order discovery lists them. */
export const discoveryV1Kinds: readonly KindSpec[] = [];
