import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError } from '../../meta/v1/index.js';
import { isDNS1123Label, isDNS1123Subdomain, regexError } from '../../../machinery/names.js';
import { ptr } from '../../core/v1/index.js';
import { HTTP_PATH_FMT, HTTP_PATH_RE } from './names.js';
import { validateTypedReference } from './ingress-validation.js';

const MAX_CONTROLLER_LENGTH = 250;

export const IngressClassParametersReferenceSchema = object(
  'IngressClassParametersReference',
  'A cluster- or namespace-scoped object holding the controller’s parameters.',
  {
    apiGroup: ptr(f(1, t.string(), 'API group of the referenced kind; empty for the core group.')),
    kind: f(2, t.string(), 'Kind of the referenced object.', { required: true }),
    name: f(3, t.string(), 'Name of the referenced object.', { required: true }),
    scope: ptr(f(4, t.enum('Cluster', 'Namespace'), 'Whether the object is cluster-scoped (default) or in a namespace.')),
    namespace: ptr(f(5, t.string(), 'Namespace of the object; required for scope Namespace, forbidden for Cluster.')),
  },
  {
    // SetDefaults_IngressClass: parameters default to cluster scope.
    applyDefaults: (p) => {
      p.scope ??= 'Cluster';
    },
  },
);
export type IngressClassParametersReference = Infer<typeof IngressClassParametersReferenceSchema>;

export const IngressClassSpecSchema = object('IngressClassSpec', 'Which controller implements the class, and its parameters.', {
  controller: f(1, t.string(), 'The implementing controller, as a domain-prefixed path such as "acme.io/ingress-controller".', { immutable: true }),
  parameters: f(2, t.object(() => IngressClassParametersReferenceSchema), 'Extra configuration for the controller.'),
});
export type IngressClassSpec = Infer<typeof IngressClassSpecSchema>;

export const IngressClassSchema = object('IngressClass', 'A kind of Ingress and the controller that implements it.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => IngressClassSpecSchema), 'The class’s controller and parameters.'),
});
export type IngressClass = Infer<typeof IngressClassSchema>;

/** IsDomainPrefixedPath: a DNS subdomain, '/', then HTTP path characters. */
export function validateDomainPrefixedPath(value: string, path: string): SchemaFieldError[] {
  if (value === '') return [fieldError.required(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host === '' || rest === '') return [fieldError.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((msg) => fieldError.invalid(path, host, msg));
  if (!HTTP_PATH_RE.test(rest)) errs.push(fieldError.invalid(path, rest, regexError('Invalid path', HTTP_PATH_FMT)));
  return errs;
}

/** validateIngressClassSpec: the controller, then the parameters reference. */
export function validateIngressClassSpec(spec: IngressClassSpec, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const controller = spec.controller ?? '';
  if (Buffer.byteLength(controller, 'utf8') > MAX_CONTROLLER_LENGTH) errs.push(fieldError.tooLong(`${path}.controller`, controller, MAX_CONTROLLER_LENGTH));
  errs.push(...validateDomainPrefixedPath(controller, `${path}.controller`));
  const params = spec.parameters;
  if (!params) return errs;
  const pPath = `${path}.parameters`;
  errs.push(...validateTypedReference(params, pPath));
  if (params.scope === undefined) {
    errs.push(fieldError.required(`${pPath}.scope`));
  } else if (params.scope === 'Namespace') {
    if (params.namespace === undefined) errs.push(fieldError.required(`${pPath}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else for (const msg of isDNS1123Label(params.namespace)) errs.push(fieldError.invalid(`${pPath}.namespace`, params.namespace, msg));
  } else if (params.scope === 'Cluster' && params.namespace !== undefined) {
    errs.push(fieldError.forbidden(`${pPath}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  // Any other scope is the schema's enum error (Unsupported value).
  return errs;
}

/** "Kind.apiGroup/name", '<none>' without parameters (printIngressClass). */
export function ingressClassParameters(ic: IngressClass): string {
  const p = ic.spec?.parameters;
  if (!p) return '<none>';
  return `${p.kind ?? ''}${p.apiGroup !== undefined ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
}

export const IngressClassKind = kind<IngressClass>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  schema: IngressClassSchema,
  protoName: 'k8s.io.api.networking.v1.IngressClass',
  hasGeneration: true,
  validate: (ic) => validateIngressClassSpec(ic.spec ?? {}, 'spec'),
  printerColumns: [
    { name: 'Controller', type: 'string', description: 'The controller that implements the class.', value: (ic) => ic.spec?.controller ?? '' },
    { name: 'Parameters', type: 'string', description: 'The object holding the controller’s parameters.', value: (ic) => ingressClassParameters(ic) },
    ageColumn(),
  ],
});
