import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { LabelSelectorRequirementSchema, ObjectMetaSchema, fieldError } from '../../meta/v1/index.js';

export const FieldSelectorRequirementSchema = object('FieldSelectorRequirement', 'One field requirement: key, operator, values.', {
  key: f(1, t.string(), 'The field path.', { required: true }),
  operator: f(2, t.enum('In', 'NotIn', 'Exists', 'DoesNotExist'), 'How the field relates to the values.', { required: true }),
  values: f(3, t.list(t.string()), 'Values for In and NotIn.'),
});

export const FieldSelectorAttributesSchema = object('FieldSelectorAttributes', 'The field selector a request is limited to.', {
  rawSelector: f(1, t.string(), 'The selector as sent in the query string.'),
  requirements: f(2, t.list(t.object(() => FieldSelectorRequirementSchema)), 'The parsed selector.'),
});

export const LabelSelectorAttributesSchema = object('LabelSelectorAttributes', 'The label selector a request is limited to.', {
  rawSelector: f(1, t.string(), 'The selector as sent in the query string.'),
  requirements: f(2, t.list(t.object(() => LabelSelectorRequirementSchema)), 'The parsed selector.'),
});

export const ResourceAttributesSchema = object('ResourceAttributes', 'A request on an API resource, as the authorizer sees it.', {
  namespace: f(1, t.string(), 'Namespace of the request; empty means all namespaces (or a cluster-scoped resource).'),
  verb: f(2, t.string(), 'API verb: get, list, watch, create, update, patch, delete, … or "*".'),
  group: f(3, t.string(), 'API group of the resource; "*" means all.'),
  version: f(4, t.string(), 'API version of the resource; "*" means all.'),
  resource: f(5, t.string(), 'Resource (plural); "*" means all.'),
  subresource: f(6, t.string(), 'Subresource, e.g. log or scale; empty for none.'),
  name: f(7, t.string(), 'Object name; empty means all.'),
  fieldSelector: f(8, t.object(() => FieldSelectorAttributesSchema), 'Field selector the request is limited to.'),
  labelSelector: f(9, t.object(() => LabelSelectorAttributesSchema), 'Label selector the request is limited to.'),
});
export type ResourceAttributes = Infer<typeof ResourceAttributesSchema>;

export const NonResourceAttributesSchema = object('NonResourceAttributes', 'A request on a non-resource URL such as /healthz.', {
  path: f(1, t.string(), 'URL path of the request.'),
  verb: f(2, t.string(), 'HTTP verb in lower case: get, post, put, delete…'),
});

export const SelfSubjectAccessReviewSpecSchema = object(
  'SelfSubjectAccessReviewSpec',
  'The action to check; exactly one of resourceAttributes and nonResourceAttributes.',
  {
    resourceAttributes: f(1, t.object(() => ResourceAttributesSchema), 'A resource request to check.'),
    nonResourceAttributes: f(2, t.object(() => NonResourceAttributesSchema), 'A non-resource request to check.'),
  },
  {
    validate: (s, path) => {
      const p = (c: string) => (path ? `${path}.${c}` : c);
      if (s.resourceAttributes && s.nonResourceAttributes) {
        return [fieldError.invalid(p('nonResourceAttributes'), s.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
      }
      if (!s.resourceAttributes && !s.nonResourceAttributes) {
        return [fieldError.invalid(p('resourceAttributes'), null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
      }
      return [];
    },
  },
);

export const SubjectAccessReviewStatusSchema = object('SubjectAccessReviewStatus', 'The authorizer’s answer.', {
  allowed: f(1, t.bool(), 'True if the action would be allowed.', { required: true }),
  denied: f(4, t.bool(), 'True if the action would be explicitly denied; never true together with allowed.'),
  reason: f(2, t.string(), 'Why the action is allowed or denied.'),
  evaluationError: f(3, t.string(), 'An error met while deciding; the answer may still be usable.'),
});
export type SubjectAccessReviewStatus = Infer<typeof SubjectAccessReviewStatusSchema>;

/** `kubectl auth can-i` creates one of these (as protobuf) and reads status.allowed. */
export const SelfSubjectAccessReviewSchema = object('SelfSubjectAccessReview', 'Asks whether the caller may perform an action.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata (unused).'),
  spec: f(2, t.object(() => SelfSubjectAccessReviewSpecSchema), 'The action to check.', { required: true }),
  status: f(3, t.object(() => SubjectAccessReviewStatusSchema), 'Filled in by the server.'),
});
export type SelfSubjectAccessReview = Infer<typeof SelfSubjectAccessReviewSchema>;

export const SelfSubjectAccessReviewKind = kind<SelfSubjectAccessReview>({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview',
  namespaced: false,
  verbs: ['create'],
  schema: SelfSubjectAccessReviewSchema,
  protoName: 'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  printerColumns: [],
});
