import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';

export const ResourceRuleSchema = object('ResourceRule', 'What the caller may do with resources; "*" means all.', {
  verbs: f(1, t.list(t.string()), 'Verbs allowed, e.g. get, list, "*".', { required: true }),
  apiGroups: f(2, t.list(t.string()), 'API groups the resources are in; "*" means all.'),
  resources: f(3, t.list(t.string()), 'Resources (plural, "resource/subresource"); "*" means all.'),
  resourceNames: f(4, t.list(t.string()), 'Object names the rule is limited to; empty means all.'),
});

export const NonResourceRuleSchema = object('NonResourceRule', 'What the caller may do with non-resource URLs.', {
  verbs: f(1, t.list(t.string()), 'HTTP verbs in lower case; "*" means all.', { required: true }),
  nonResourceURLs: f(2, t.list(t.string()), 'URL paths, possibly ending in "*".'),
});

export const SubjectRulesReviewStatusSchema = object('SubjectRulesReviewStatus', 'The rules the authorizer grants.', {
  resourceRules: f(1, t.list(t.object(() => ResourceRuleSchema)), 'What the caller may do with resources in the namespace.', { required: true }),
  nonResourceRules: f(2, t.list(t.object(() => NonResourceRuleSchema)), 'What the caller may do with non-resource URLs.', { required: true }),
  incomplete: f(3, t.bool(), 'True when the authorizer cannot list every rule (the lists are then partial).', { required: true }),
  evaluationError: f(4, t.string(), 'An error met while listing the rules.'),
});

export const SelfSubjectRulesReviewSpecSchema = object('SelfSubjectRulesReviewSpec', 'Where to list the rules.', {
  namespace: f(1, t.string(), 'The namespace to list the rules in.'),
});

/** `kubectl auth can-i --list` creates one of these and prints its rules. */
export const SelfSubjectRulesReviewSchema = object('SelfSubjectRulesReview', 'Lists what the caller may do in a namespace.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata (unused).'),
  spec: f(2, t.object(() => SelfSubjectRulesReviewSpecSchema), 'Where to list the rules.', { required: true }),
  status: f(3, t.object(() => SubjectRulesReviewStatusSchema), 'Filled in by the server.'),
});
export type SelfSubjectRulesReview = Infer<typeof SelfSubjectRulesReviewSchema>;

export const SelfSubjectRulesReviewKind = kind<SelfSubjectRulesReview>({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectRulesReview',
  plural: 'selfsubjectrulesreviews',
  singular: 'selfsubjectrulesreview',
  namespaced: false,
  verbs: ['create'],
  schema: SelfSubjectRulesReviewSchema,
  protoName: 'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  printerColumns: [],
});
