import { f, object, t, type Infer } from '../../schema/dsl.js';
import { LabelSelectorSchema } from '../../meta/v1/index.js';
import { embedded, ptr } from '../../core/v1/embedded.js';

/** A Service that serves a webhook (in-cluster webhooks). */
export const ServiceReferenceSchema = object('ServiceReference', 'The Service in front of a webhook.', {
  namespace: f(1, t.string(), 'Namespace of the Service.'),
  name: f(2, t.string(), 'Name of the Service.'),
  path: ptr(f(3, t.string(), 'URL path sent with every request to the Service.')),
  port: ptr(f(4, t.int32(), 'Port of the Service the webhook listens on (443 when unset).', { default: 443 })),
});

/** How the API server reaches a webhook: exactly one of url or service, and the CA to trust. */
export const WebhookClientConfigSchema = object('WebhookClientConfig', 'How the API server connects to a webhook over TLS.', {
  url: ptr(f(3, t.string(), 'The webhook location as https://host[:port][/path] (no user info, query or fragment).')),
  service: f(1, t.object(() => ServiceReferenceSchema), 'The Service in front of the webhook, when it runs in the cluster.'),
  caBundle: f(2, t.bytes(), 'PEM CA bundle that signs the webhook serving certificate (system roots when empty).'),
});

/**
 * Operations plus the embedded Rule: flat in JSON, Rule nested at field 2 in protobuf
 * (RuleWithOperations{1: operations, 2: Rule{1..4}}).
 */
export const RuleWithOperationsSchema = object('RuleWithOperations', 'Operations on resources a webhook cares about.', {
  operations: f(1, t.list(t.enum('*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'), { listType: 'atomic' }), 'Operations (CREATE, UPDATE, DELETE, CONNECT, or * for all).'),
  ...embedded(2, 'Rule', {
    apiGroups: f(1, t.list(t.string(), { listType: 'atomic' }), "API groups ('' for core, * for all)."),
    apiVersions: f(2, t.list(t.string(), { listType: 'atomic' }), 'API versions (* for all).'),
    resources: f(3, t.list(t.string(), { listType: 'atomic' }), "Resources: 'pods', 'pods/log', '*' (no subresources), 'pods/*', '*/scale', '*/*'."),
    scope: ptr(f(4, t.enum('*', 'Cluster', 'Namespaced'), 'Cluster, Namespaced or * (default).', { default: '*' })),
  }),
});
export type RuleWithOperations = Infer<typeof RuleWithOperationsSchema>;

const FAILURE_POLICIES = ['Fail', 'Ignore'] as const;
const MATCH_POLICIES = ['Equivalent', 'Exact'] as const;

/** The fields validating and mutating webhooks share (same numbers in both messages). */
function commonWebhookFields() {
  return {
    name: f(1, t.string(), 'Fully qualified name of the webhook (e.g. policy.example.com).'),
    clientConfig: f(2, t.object(() => WebhookClientConfigSchema), 'How to reach the webhook.'),
    rules: f(3, t.list(t.object(() => RuleWithOperationsSchema), { listType: 'atomic' }), 'What the webhook is called for (any rule matching suffices).'),
    failurePolicy: ptr(f(4, t.enum(...FAILURE_POLICIES), 'What happens when calling the webhook fails: Fail (default) or Ignore.', { default: 'Fail' })),
    matchPolicy: ptr(
      f(9, t.enum(...MATCH_POLICIES), 'Exact: only requests exactly matching a rule; Equivalent (default): also the same resource through another version.', {
        default: 'Equivalent',
      }),
    ),
    namespaceSelector: f(5, t.object(() => LabelSelectorSchema), "Runs the webhook only for objects whose namespace's labels match (empty: all).", { default: () => ({}) }),
    sideEffects: ptr(f(6, t.string(), 'Whether calling the webhook has side effects: None or NoneOnDryRun.')),
    timeoutSeconds: ptr(f(7, t.int32(), 'Seconds to wait for the webhook, 1 to 30 (default 10).', { default: 10 })),
    admissionReviewVersions: f(8, t.list(t.string(), { listType: 'atomic' }), 'AdmissionReview versions the webhook accepts, preferred first (must include v1).'),
  };
}

export const ValidatingWebhookSchema = object('ValidatingWebhook', 'An admission webhook that may refuse a request.', {
  ...commonWebhookFields(),
  objectSelector: f(10, t.object(() => LabelSelectorSchema), 'Runs the webhook only for objects (new or old) whose labels match (empty: all).', { default: () => ({}) }),
});
export type ValidatingWebhook = Infer<typeof ValidatingWebhookSchema>;

export const MutatingWebhookSchema = object('MutatingWebhook', 'An admission webhook that may change or refuse a request.', {
  ...commonWebhookFields(),
  objectSelector: f(11, t.object(() => LabelSelectorSchema), 'Runs the webhook only for objects (new or old) whose labels match (empty: all).', { default: () => ({}) }),
  reinvocationPolicy: ptr(
    f(10, t.enum('IfNeeded', 'Never'), 'Never (default), or IfNeeded: called again when later webhooks changed the object.', { default: 'Never' }),
  ),
});
export type MutatingWebhook = Infer<typeof MutatingWebhookSchema>;

/** Either kind of webhook, as the admission plugins read it. */
export type AnyWebhook = ValidatingWebhook & { reinvocationPolicy?: 'IfNeeded' | 'Never' };
