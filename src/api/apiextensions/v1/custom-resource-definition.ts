import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema, createdAtColumn } from '../../meta/v1/index.js';
import { JSONSchemaPropsSchema } from './json-schema-props.js';
import { validateCustomResourceDefinition } from './crd-validation.js';

export const CustomResourceDefinitionNamesSchema = object('CustomResourceDefinitionNames', 'The names a custom resource is served under.', {
  plural: f(1, t.string(), 'Plural resource name used in URLs; lowercase.', { required: true }),
  singular: f(2, t.string(), 'Singular name; defaults to the lowercased kind.'),
  shortNames: f(3, t.list(t.string()), 'Short aliases for kubectl; lowercase.'),
  kind: f(4, t.string(), 'The kind of the objects, CamelCase.', { required: true }),
  listKind: f(5, t.string(), 'The kind of lists; defaults to <kind>List.'),
  categories: f(6, t.list(t.string()), 'Groupings such as "all".'),
});
export type CustomResourceDefinitionNames = Infer<typeof CustomResourceDefinitionNamesSchema>;

export const CustomResourceValidationSchema = object('CustomResourceValidation', 'How objects of a version are validated and pruned.', {
  openAPIV3Schema: f(1, t.object(() => JSONSchemaPropsSchema), 'The structural OpenAPI v3 schema of the objects.'),
});

export const CustomResourceSubresourceScaleSchema = object('CustomResourceSubresourceScale', 'Where /scale finds replicas and the selector.', {
  specReplicasPath: f(1, t.string(), 'JSON path under .spec of the desired replicas, e.g. .spec.replicas.', { required: true }),
  statusReplicasPath: f(2, t.string(), 'JSON path under .status of the observed replicas.', { required: true }),
  labelSelectorPath: f(3, t.string(), 'JSON path under .spec or .status of the selector string.'),
});

export const CustomResourceSubresourceStatusSchema = object('CustomResourceSubresourceStatus', 'Enables /status (an empty object).', {});

export const CustomResourceSubresourcesSchema = object('CustomResourceSubresources', 'Subresources served for a version.', {
  status: f(1, t.object(() => CustomResourceSubresourceStatusSchema), 'Serve /status; the main endpoint then ignores status changes.'),
  scale: f(2, t.object(() => CustomResourceSubresourceScaleSchema), 'Serve /scale as an autoscaling/v1 Scale.'),
});

/** Allowed types of additional printer columns. */
export const printerColumnTypes = ['integer', 'number', 'string', 'boolean', 'date'] as const;

export const CustomResourceColumnDefinitionSchema = object('CustomResourceColumnDefinition', 'An extra column for kubectl get.', {
  name: f(1, t.string(), 'Column header.', { required: true }),
  type: f(2, t.enum(...printerColumnTypes), 'OpenAPI type of the cells.', { required: true }),
  format: f(3, t.string(), 'OpenAPI format of the cells; "name" marks a name column.'),
  description: f(4, t.string(), 'What the column shows.'),
  priority: f(5, t.int32(), '0 always shown; higher only with -o wide.'),
  jsonPath: f(6, t.string(), 'Simple JSON path of the value in each object, e.g. .spec.replicas.', { required: true }),
});
export type CustomResourceColumnDefinition = Infer<typeof CustomResourceColumnDefinitionSchema>;

export const SelectableFieldSchema = object('SelectableField', 'A field usable in field selectors.', {
  jsonPath: f(1, t.string(), 'Simple JSON path of a string, integer or boolean field.', { required: true }),
});

export const CustomResourceDefinitionVersionSchema = object('CustomResourceDefinitionVersion', 'One version of a custom resource.', {
  name: f(1, t.string(), 'Version name, e.g. v1 or v2beta1.', { required: true }),
  served: f(2, t.bool(), 'Whether this version is served over REST.', { required: true }),
  storage: f(3, t.bool(), 'Whether objects are stored in this version; exactly one version has it.', { required: true }),
  deprecated: f(7, t.bool(), 'Requests to this version get a deprecation warning.'),
  deprecationWarning: f(8, t.string(), 'Overrides the default deprecation warning.'),
  schema: f(4, t.object(() => CustomResourceValidationSchema), 'Validation, pruning and defaulting schema.'),
  subresources: f(5, t.object(() => CustomResourceSubresourcesSchema), 'Subresources served (status, scale).'),
  additionalPrinterColumns: f(6, t.list(t.object(() => CustomResourceColumnDefinitionSchema)), 'Extra kubectl get columns; default is AGE only.'),
  selectableFields: f(9, t.list(t.object(() => SelectableFieldSchema)), 'Fields usable in field selectors (at most 8).'),
});
export type CustomResourceDefinitionVersion = Infer<typeof CustomResourceDefinitionVersionSchema>;

export const ServiceReferenceSchema = object('ServiceReference', 'A Service that serves a webhook.', {
  namespace: f(1, t.string(), 'Namespace of the service.', { required: true }),
  name: f(2, t.string(), 'Name of the service.', { required: true }),
  path: f(3, t.string(), 'URL path sent to the service.'),
  port: f(4, t.int32(), 'Service port; defaults to 443.', { default: 443 }),
});

export const WebhookClientConfigSchema = object('WebhookClientConfig', 'How to reach a webhook over TLS.', {
  url: f(3, t.string(), 'https:// URL of the webhook; exclusive with service.'),
  service: f(1, t.object(() => ServiceReferenceSchema), 'In-cluster service of the webhook; exclusive with url.'),
  caBundle: f(2, t.bytes(), 'PEM CA bundle to verify the webhook’s certificate.'),
});

export const WebhookConversionSchema = object('WebhookConversion', 'How to call a conversion webhook.', {
  clientConfig: f(2, t.object(() => WebhookClientConfigSchema), 'Where the webhook is.'),
  conversionReviewVersions: f(3, t.list(t.string()), 'ConversionReview versions the webhook accepts, preferred first.', { required: true }),
});

export const CustomResourceConversionSchema = object('CustomResourceConversion', 'How objects convert between versions.', {
  strategy: f(1, t.enum('None', 'Webhook'), 'None changes only apiVersion; Webhook calls a conversion webhook.', { required: true }),
  webhook: f(2, t.object(() => WebhookConversionSchema), 'The webhook, when strategy is Webhook.'),
});

export const CustomResourceDefinitionSpecSchema = object('CustomResourceDefinitionSpec', 'The custom resource to serve.', {
  group: f(1, t.string(), 'API group of the resource; the CRD is named <plural>.<group>.', { required: true, immutable: true }),
  names: f(3, t.object(() => CustomResourceDefinitionNamesSchema), 'Resource and kind names.', { required: true }),
  scope: f(4, t.enum('Cluster', 'Namespaced'), 'Whether objects are cluster-wide or live in namespaces.', { required: true, immutable: true }),
  versions: f(7, t.list(t.object(() => CustomResourceDefinitionVersionSchema)), 'Every version of the resource.', { required: true }),
  conversion: f(9, t.object(() => CustomResourceConversionSchema), 'Conversion between versions; defaults to None.', {
    default: () => ({ strategy: 'None' as const }),
  }),
  preserveUnknownFields: f(10, t.bool(), 'Deprecated: keep unknown fields; use x-kubernetes-preserve-unknown-fields.'),
}, {
  applyDefaults: (s) => {
    const n = s.names;
    if (n?.kind) {
      n.singular ||= n.kind.toLowerCase();
      n.listKind ||= `${n.kind}List`;
    }
  },
});
export type CustomResourceDefinitionSpec = Infer<typeof CustomResourceDefinitionSpecSchema>;

export const CustomResourceDefinitionConditionSchema = object('CustomResourceDefinitionCondition', 'One aspect of a CRD’s state.', {
  type: f(1, t.string(), 'Established, NamesAccepted, NonStructuralSchema, Terminating, KubernetesAPIApprovalPolicyConformant.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastTransitionTime: f(3, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'Machine-readable reason.'),
  message: f(5, t.string(), 'Human-readable details.'),
});

export const CustomResourceDefinitionStatusSchema = object('CustomResourceDefinitionStatus', 'What the server made of the CRD.', {
  conditions: f(1, t.list(t.object(() => CustomResourceDefinitionConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Latest observations.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
  acceptedNames: f(2, t.object(() => CustomResourceDefinitionNamesSchema), 'The names actually served (may lag spec.names).'),
  storedVersions: f(3, t.list(t.string()), 'Every version objects were ever stored in.'),
});

export const CustomResourceDefinitionSchema = object('CustomResourceDefinition', 'Adds a resource to the API at run time.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata; the name is <plural>.<group>.'),
  spec: f(2, t.object(() => CustomResourceDefinitionSpecSchema), 'The resource to serve.', { required: true }),
  status: f(3, t.object(() => CustomResourceDefinitionStatusSchema), 'Observed state.'),
});
export type CustomResourceDefinition = Infer<typeof CustomResourceDefinitionSchema>;

export const CustomResourceDefinitionKind = kind<CustomResourceDefinition>({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  schema: CustomResourceDefinitionSchema,
  protoName: 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  subresources: { status: true },
  hasGeneration: true,
  validate: (crd) => validateCustomResourceDefinition(crd),
  printerColumns: [createdAtColumn()],
});
