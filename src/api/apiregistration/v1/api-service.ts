import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError } from '../../meta/v1/index.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../../machinery/names.js';

/** kube-aggregator's Go package, reversed: the OpenAPI component names kubectl explain shows. */
const named = (type: string) => ({ openApiName: `io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.${type}` });

export const ServiceReferenceSchema = object('ServiceReference', 'The Service an extension API server is reached through.', {
  namespace: f(1, t.string(), 'Namespace of the service.'),
  name: f(2, t.string(), 'Name of the service.'),
  port: f(3, t.int32(), 'Service port the server listens on (default 443).', { default: 443, pointer: true }),
}, named('ServiceReference'));

export const APIServiceSpecSchema = object('APIServiceSpec', 'Where a group/version is served and how to talk to that server (HTTPS only).', {
  service: f(1, t.object(() => ServiceReferenceSchema), 'The extension server’s Service; absent: served by this API server itself.'),
  group: f(2, t.string(), 'The API group served.'),
  version: f(3, t.string(), 'The API version served, e.g. v1.'),
  insecureSkipTLSVerify: f(4, t.bool(), 'Skip verifying the server’s certificate (discouraged; use caBundle).'),
  caBundle: f(5, t.bytes(), 'PEM CA bundle that signs the server’s serving certificate.'),
  groupPriorityMinimum: f(7, t.int32(), 'Lowest priority of the group in discovery (higher first).', { required: true }),
  versionPriority: f(8, t.int32(), 'Order of this version inside its group (higher first).', { required: true }),
}, named('APIServiceSpec'));

export const APIServiceConditionSchema = object('APIServiceCondition', 'One aspect of an APIService’s state.', {
  type: f(1, t.string(), 'Condition type (Available).', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'True, False or Unknown.', { required: true }),
  lastTransitionTime: f(3, t.time(), 'When the status last changed.'),
  reason: f(4, t.string(), 'One CamelCase word for the last transition.'),
  message: f(5, t.string(), 'Human-readable details.'),
}, named('APIServiceCondition'));

export const APIServiceStatusSchema = object('APIServiceStatus', 'The observed state of an APIService.', {
  conditions: f(1, t.list(t.object(() => APIServiceConditionSchema), { listType: 'map', listMapKeys: ['type'] }), 'Current conditions (Available).', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
}, named('APIServiceStatus'));

/** A server for one API group/version; its name must be `<version>.<group>`. */
export const APIServiceSchema = object('APIService', 'Registers the server of one API group/version with the aggregator.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => APIServiceSpecSchema), 'Where the group/version is served.'),
  status: f(3, t.object(() => APIServiceStatusSchema), 'Whether the server is available.'),
}, named('APIService'));
export type APIService = Infer<typeof APIServiceSchema>;
export type APIServiceCondition = Infer<typeof APIServiceConditionSchema>;

export const APIREGISTRATION_GROUP = 'apiregistration.k8s.io';

/**
 * Groups skiff serves itself (kept equal to the registry's built-ins by a test; the
 * registry cannot be imported here without an import cycle). A remote APIService for
 * one of them is refused, except {@link REPLACEABLE_LOCAL}.
 */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  '', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch',
  'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'scheduling.k8s.io',
  'storage.k8s.io', 'admissionregistration.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io',
  'apiextensions.k8s.io', 'metrics.k8s.io', APIREGISTRATION_GROUP,
]);

/** The one built-in group/version an extension server may take over (what installing metrics-server does). */
export const REPLACEABLE_LOCAL = 'v1beta1.metrics.k8s.io';

/** The Available condition, or undefined. */
export function availableCondition(svc: APIService): APIServiceCondition | undefined {
  return svc.status?.conditions?.find((c) => c.type === 'Available');
}

/** upstream's ValidateAPIService (kube-aggregator), plus skiff's refusal of remote built-in groups. */
export function validateAPIService(svc: APIService): SchemaFieldError[] {
  const spec = svc.spec ?? {};
  const group = spec.group ?? '';
  const version = spec.version ?? '';
  const errs: SchemaFieldError[] = [];
  const name = svc.metadata?.name ?? '';
  const required = `${version}.${group}`;
  if (name && name !== required) {
    errs.push(fieldError.invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(required)}`));
  }
  if (group === '' && version !== 'v1') errs.push(fieldError.required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  if (group !== '') for (const m of isDNS1123Subdomain(group)) errs.push(fieldError.invalid('spec.group', group, m));
  for (const m of isDNS1035Label(version)) errs.push(fieldError.invalid('spec.version', version, m));
  const gpm = spec.groupPriorityMinimum ?? 0;
  if (gpm <= 0 || gpm > 20000) errs.push(fieldError.invalid('spec.groupPriorityMinimum', gpm, 'must be positive and less than 20000'));
  const vp = spec.versionPriority ?? 0;
  if (vp <= 0 || vp > 1000) errs.push(fieldError.invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  const caBytes = spec.caBundle ? Buffer.from(spec.caBundle, 'base64').length : 0;
  if (!spec.service) {
    if (caBytes) errs.push(fieldError.invalid('spec.caBundle', `${caBytes} bytes`, 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify) errs.push(fieldError.invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  if (!spec.service.namespace) errs.push(fieldError.required('spec.service.namespace'));
  if (!spec.service.name) errs.push(fieldError.required('spec.service.name'));
  const port = spec.service.port ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    errs.push(fieldError.invalid('spec.service.port', port, 'port is not valid: must be between 1 and 65535, inclusive'));
  }
  if (spec.insecureSkipTLSVerify && caBytes) errs.push(fieldError.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  if (BUILTIN_GROUPS.has(group) && required !== REPLACEABLE_LOCAL) {
    errs.push(fieldError.forbidden('spec.service', `group ${JSON.stringify(group)} is served by this API server and cannot be delegated`));
  }
  return errs;
}

function serviceCell(svc: APIService): string {
  const s = svc.spec?.service;
  return s ? `${s.namespace ?? ''}/${s.name ?? ''}` : 'Local';
}

function availableCell(svc: APIService): string {
  const c = availableCondition(svc);
  if (!c) return 'Unknown';
  return c.status === 'True' ? 'True' : `${c.status} (${c.reason ?? ''})`;
}

export const APIServiceKind = kind<APIService>({
  group: APIREGISTRATION_GROUP,
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  categories: ['api-extensions'],
  namespaced: false,
  nameFormat: 'path-segment',
  schema: APIServiceSchema,
  protoName: 'k8s.io.kube_aggregator.pkg.apis.apiregistration.v1.APIService',
  subresources: { status: true },
  hasGeneration: true,
  validate: (svc) => validateAPIService(svc),
  printerColumns: [
    { name: 'Service', type: 'string', description: 'The service serving this group/version, or Local.', value: serviceCell },
    { name: 'Available', type: 'string', description: 'Whether the server answers, with the reason when not.', value: availableCell },
    ageColumn(),
  ],
});
