import type { KindSpec } from '../../schema/dsl.js';
import { EndpointSliceKind } from './endpoint-slice.js';

export * from './endpoint-slice.js';

/** Every discovery.k8s.io/v1 kind, in the order discovery lists them. */
export const discoveryV1Kinds: readonly KindSpec[] = [EndpointSliceKind];
