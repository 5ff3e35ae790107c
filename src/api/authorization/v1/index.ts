import type { KindSpec } from '../../schema/dsl.js';

/** Every authorization v1 kind, in the order discovery lists them. */
export const authorizationV1Kinds: readonly KindSpec[] = [];
