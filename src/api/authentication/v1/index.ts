import type { KindSpec } from '../../schema/dsl.js';
import { SelfSubjectReviewKind } from './self-subject-review.js';

export * from './self-subject-review.js';

/** Every authentication.k8s.io/v1 kind served, in the order discovery lists them. */
export const authenticationV1Kinds: readonly KindSpec[] = [SelfSubjectReviewKind];
