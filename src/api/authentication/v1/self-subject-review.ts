import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';

export const UserInfoSchema = object('UserInfo', 'A user as the API server authenticated them.', {
  username: f(1, t.string(), 'The name that uniquely identifies this user among all active users.'),
  uid: f(2, t.string(), 'A unique value that identifies this user across time.'),
  groups: f(3, t.list(t.string()), 'The names of groups this user is a part of.'),
  extra: f(4, t.map(t.list(t.string())), 'Any additional information provided by the authenticator.'),
});

export const SelfSubjectReviewStatusSchema = object('SelfSubjectReviewStatus', 'Filled in by the server: who the caller is.', {
  userInfo: f(1, t.object(() => UserInfoSchema), 'User attributes of the user making this request.'),
});

/** `kubectl auth whoami` creates one of these (as protobuf) and prints status.userInfo. */
export const SelfSubjectReviewSchema = object('SelfSubjectReview', 'Asks who the API server takes the caller to be.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata (unused).'),
  status: f(2, t.object(() => SelfSubjectReviewStatusSchema), 'Filled in by the server with the user attributes.'),
});
export type SelfSubjectReview = Infer<typeof SelfSubjectReviewSchema>;

export const SelfSubjectReviewKind = kind<SelfSubjectReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  verbs: ['create'],
  schema: SelfSubjectReviewSchema,
  protoName: 'k8s.io.api.authentication.v1.SelfSubjectReview',
  printerColumns: [],
});
