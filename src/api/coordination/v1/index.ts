import type { KindSpec } from '../../schema/dsl.js';
import { LeaseKind } from './lease.js';

export * from './lease.js';

/** Every coordination.k8s.io/v1 kind, in the order discovery lists them. */
export const coordinationV1Kinds: readonly KindSpec[] = [LeaseKind];
