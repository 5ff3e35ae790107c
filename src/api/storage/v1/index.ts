import type { KindSpec } from '../../schema/dsl.js';
import { StorageClassKind } from './storage-class.js';

export * from './storage-class.js';

/** Every storage.k8s.io/v1 kind, in the order discovery lists them. */
export const storageV1Kinds: readonly KindSpec[] = [StorageClassKind];
