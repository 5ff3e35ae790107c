import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { NonResourceAttributesSchema, ResourceAttributesSchema, SubjectAccessReviewStatusSchema } from './self-subject-access-review.js';

/** Who to ask about and what: SelfSubjectAccessReviewSpec plus the subject. */
export const SubjectAccessReviewSpecSchema = object('SubjectAccessReviewSpec', 'The action to check and the user it is checked for; exactly one of resourceAttributes and nonResourceAttributes.', {
  resourceAttributes: f(1, t.object(() => ResourceAttributesSchema), 'A resource request to check.'),
  nonResourceAttributes: f(2, t.object(() => NonResourceAttributesSchema), 'A non-resource request to check.'),
  user: f(3, t.string(), 'The user to check for. With no groups, as if the user were in none.'),
  groups: f(4, t.list(t.string()), 'The groups to check for.'),
  extra: f(5, t.map(t.list(t.string())), 'Extra attributes of the user, as an authenticator gives them.'),
  uid: f(6, t.string(), 'UID of the user.'),
});
export type SubjectAccessReviewSpec = Infer<typeof SubjectAccessReviewSpecSchema>;

const reviewFields = {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata (must be empty).'),
  spec: f(2, t.object(() => SubjectAccessReviewSpecSchema), 'The request to evaluate.', { required: true }),
  status: f(3, t.object(() => SubjectAccessReviewStatusSchema), 'Filled in by the server.'),
};

/** Webhook authorizers and auth proxies ask the API server with these (system:auth-delegator may create them). */
export const SubjectAccessReviewSchema = object('SubjectAccessReview', 'Asks whether a user or group may perform an action.', reviewFields);
export type SubjectAccessReview = Infer<typeof SubjectAccessReviewSchema>;

export const LocalSubjectAccessReviewSchema = object('LocalSubjectAccessReview', 'Asks whether a user or group may perform an action in one namespace (spec.resourceAttributes.namespace must be it).', reviewFields);

export const SubjectAccessReviewKind = kind<SubjectAccessReview>({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SubjectAccessReview',
  plural: 'subjectaccessreviews',
  singular: 'subjectaccessreview',
  namespaced: false,
  verbs: ['create'],
  schema: SubjectAccessReviewSchema,
  protoName: 'k8s.io.api.authorization.v1.SubjectAccessReview',
  printerColumns: [],
});

export const LocalSubjectAccessReviewKind = kind<SubjectAccessReview>({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'LocalSubjectAccessReview',
  plural: 'localsubjectaccessreviews',
  singular: 'localsubjectaccessreview',
  namespaced: true,
  verbs: ['create'],
  schema: LocalSubjectAccessReviewSchema,
  protoName: 'k8s.io.api.authorization.v1.LocalSubjectAccessReview',
  printerColumns: [],
});
