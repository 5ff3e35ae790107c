import type { KindSpec } from '../../schema/dsl.js';
import { EventKind } from './event.js';

export * from './event.js';

/** Every events.k8s.io/v1 kind, in the order discovery lists them. */
export const eventsV1Kinds: readonly KindSpec[] = [EventKind];
