import type { KindSpec } from '../../schema/dsl.js';
import { NamespaceKind } from './namespace.js';

export * from './namespace.js';
export * from './references.js';
export * from './resources.js';
export * from './probe.js';
export * from './env.js';
export * from './security-context.js';
export * from './container.js';
export * from './volume.js';
export * from './affinity.js';
export * from './toleration.js';
export * from './topology-spread.js';
export * from './pod-spec.js';
export * from './pod-spec-validation.js';
export * from './pod-template.js';
export * from './persistent-volume-claim.js';
export { embedded, protoEmbeddingOf, type ProtoEmbedding } from './embedded.js';

/** Every core/v1 kind, in the order discovery lists them. */
export const coreV1Kinds: readonly KindSpec[] = [NamespaceKind];
