import type { KindSpec } from '../../schema/dsl.js';

/** Every scheduling v1 kind, in the order discovery lists them. */
export const schedulingV1Kinds: readonly KindSpec[] = [];
