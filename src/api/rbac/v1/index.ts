import type { KindSpec } from '../../schema/dsl.js';

/** Every rbac v1 kind, in the order discovery lists them. */
export const rbacV1Kinds: readonly KindSpec[] = [];
