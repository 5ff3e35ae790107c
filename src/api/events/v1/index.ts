import type { KindSpec } from '../../schema/dsl.js';

/** Every events v1 kind, in the order discovery lists them. */
export const eventsV1Kinds: readonly KindSpec[] = [];
