import type { KindSpec } from '../../schema/dsl.js';
import { APIServiceKind } from './api-service.js';

export * from './api-service.js';

/** Every apiregistration.k8s.io/v1 kind, in the order discovery lists them. */
export const apiregistrationV1Kinds: readonly KindSpec[] = [APIServiceKind];
