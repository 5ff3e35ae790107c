import type { KindSpec } from '../../schema/dsl.js';
import { NamespaceKind } from './namespace.js';

export * from './namespace.js';

/** Every core/v1 kind, in the order discovery lists them. */
export const coreV1Kinds: readonly KindSpec[] = [NamespaceKind];
