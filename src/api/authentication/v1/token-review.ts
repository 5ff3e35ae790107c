import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { UserInfoSchema } from './self-subject-review.js';

export const TokenReviewSpecSchema = object('TokenReviewSpec', 'The token to check.', {
  token: f(1, t.string(), 'The opaque bearer token.'),
  audiences: f(2, t.list(t.string()), 'Audiences the token must be valid for (one is enough); empty: the API server\'s own.'),
});

export const TokenReviewStatusSchema = object('TokenReviewStatus', 'Whether the token authenticates, and as whom.', {
  authenticated: f(1, t.bool(), 'True if the token is valid.'),
  user: f(2, t.object(() => UserInfoSchema), 'The user the token belongs to.'),
  error: f(3, t.string(), 'Why the token could not be checked.'),
  audiences: f(4, t.list(t.string()), 'The audiences the token is valid for, of those asked.'),
});

/** Auth proxies, Vault's Kubernetes auth and the like verify service-account tokens with these. */
export const TokenReviewSchema = object('TokenReview', 'Asks the API server to authenticate a token.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata (unused).'),
  spec: f(2, t.object(() => TokenReviewSpecSchema), 'The token to check.', { required: true }),
  status: f(3, t.object(() => TokenReviewStatusSchema), 'Filled in by the server.'),
});
export type TokenReview = Infer<typeof TokenReviewSchema>;

export const TokenReviewKind = kind<TokenReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  verbs: ['create'],
  schema: TokenReviewSchema,
  protoName: 'k8s.io.api.authentication.v1.TokenReview',
  printerColumns: [],
});
