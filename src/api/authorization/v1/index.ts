import type { KindSpec } from '../../schema/dsl.js';
import { SelfSubjectAccessReviewKind } from './self-subject-access-review.js';
import { SelfSubjectRulesReviewKind } from './self-subject-rules-review.js';
import { LocalSubjectAccessReviewKind, SubjectAccessReviewKind } from './subject-access-review.js';

export * from './self-subject-access-review.js';
export * from './self-subject-rules-review.js';
export * from './subject-access-review.js';

/** Every authorization.k8s.io/v1 kind served, in the order discovery lists them. */
export const authorizationV1Kinds: readonly KindSpec[] = [LocalSubjectAccessReviewKind, SelfSubjectAccessReviewKind, SelfSubjectRulesReviewKind, SubjectAccessReviewKind];
