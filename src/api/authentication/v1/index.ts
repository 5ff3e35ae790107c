import type { KindSpec } from '../../schema/dsl.js';
import { SelfSubjectReviewKind } from './self-subject-review.js';
import { TokenRequestKind } from './token-request.js';
import { TokenReviewKind } from './token-review.js';

export * from './self-subject-review.js';
export * from './token-request.js';
export * from './token-review.js';

/** Every authentication.k8s.io/v1 kind served, in the order discovery lists them. */
export const authenticationV1Kinds: readonly KindSpec[] = [SelfSubjectReviewKind, TokenReviewKind];

/** Bodies of subresources elsewhere (serviceaccounts/token), not served as resources of their own. */
export const authenticationV1SubresourceKinds: readonly KindSpec[] = [TokenRequestKind];
