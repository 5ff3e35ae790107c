import type { KindSpec } from '../../schema/dsl.js';

/** Every apiextensions v1 kind, in the order discovery lists them. */
export const apiextensionsV1Kinds: readonly KindSpec[] = [];
