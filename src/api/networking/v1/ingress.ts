import { f, kind, object, t, type Infer } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn } from '../../meta/v1/index.js';
import { TypedLocalObjectReferenceSchema, embedded, ptr } from '../../core/v1/index.js';
import { validateIngress } from './ingress-validation.js';

/** A Service port, by name or by number (exactly one). */
export const ServiceBackendPortSchema = object('ServiceBackendPort', 'A port of the backend Service, by name or by number.', {
  name: f(1, t.string(), 'Name of the Service port; excludes number.'),
  number: f(2, t.int32(), 'Number of the Service port; excludes name.'),
});

export const IngressServiceBackendSchema = object('IngressServiceBackend', 'A Service in the Ingress’s namespace, as a backend.', {
  name: f(1, t.string(), 'Name of the Service.', { required: true }),
  port: f(2, t.object(() => ServiceBackendPortSchema), 'Port of the Service; a name or a number is required.'),
});

export const IngressBackendSchema = object('IngressBackend', 'Where matching requests go: a Service port or another resource.', {
  service: f(4, t.object(() => IngressServiceBackendSchema), 'A Service backend; excludes resource.'),
  resource: f(3, t.object(() => TypedLocalObjectReferenceSchema), 'Another resource in the Ingress’s namespace; excludes service.'),
});
export type IngressBackend = Infer<typeof IngressBackendSchema>;

/** Path types in sorted order, as upstream lists them in "supported values". */
export const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'] as const;

export const HTTPIngressPathSchema = object('HTTPIngressPath', 'A request path and the backend it is sent to.', {
  path: f(1, t.string(), 'Path matched against the request’s path; must start with "/" for Exact and Prefix.'),
  pathType: ptr(f(3, t.enum(...PATH_TYPES), 'How path is matched: Exact, Prefix (by /-separated elements) or ImplementationSpecific.')),
  backend: f(2, t.object(() => IngressBackendSchema), 'Where matching requests go.'),
});
export type HTTPIngressPath = Infer<typeof HTTPIngressPathSchema>;

export const HTTPIngressRuleValueSchema = object('HTTPIngressRuleValue', 'HTTP paths mapped to backends.', {
  paths: f(1, t.list(t.object(() => HTTPIngressPathSchema), { listType: 'atomic' }), 'Paths and their backends.', { required: true }),
});

export const IngressRuleSchema = object('IngressRule', 'The paths of one host (or of every host) and their backends.', {
  host: f(1, t.string(), 'A DNS name, or a wildcard "*.example.com"; empty matches every host.'),
  // IngressRuleValue is embedded inline: flat in JSON, a nested message (2) in protobuf.
  ...embedded(2, 'IngressRuleValue', {
    http: f(1, t.object(() => HTTPIngressRuleValueSchema), 'HTTP routing for this host.'),
  }),
});
export type IngressRule = Infer<typeof IngressRuleSchema>;

export const IngressTLSSchema = object('IngressTLS', 'TLS on port 443 for some hosts.', {
  hosts: f(1, t.list(t.string(), { listType: 'atomic' }), 'Hosts the certificate covers.'),
  secretName: f(2, t.string(), 'Secret holding the certificate and key.'),
});
export type IngressTLS = Infer<typeof IngressTLSSchema>;

export const IngressSpecSchema = object('IngressSpec', 'Rules routing inbound HTTP(S) traffic to backends.', {
  ingressClassName: ptr(f(4, t.string(), 'The IngressClass that implements this Ingress.')),
  defaultBackend: f(1, t.object(() => IngressBackendSchema), 'Backend for requests no rule matches.'),
  tls: f(2, t.list(t.object(() => IngressTLSSchema), { listType: 'atomic' }), 'TLS configuration.'),
  rules: f(3, t.list(t.object(() => IngressRuleSchema), { listType: 'atomic' }), 'Host rules.'),
});
export type IngressSpec = Infer<typeof IngressSpecSchema>;

export const IngressPortStatusSchema = object('IngressPortStatus', 'The state of one load-balancer port.', {
  port: f(1, t.int32(), 'Port number.', { required: true }),
  protocol: f(2, t.enum('TCP', 'UDP', 'SCTP'), 'Port protocol.', { required: true }),
  error: ptr(f(3, t.string(), 'The problem with this port, as a CamelCase reason.')),
});

export const IngressLoadBalancerIngressSchema = object('IngressLoadBalancerIngress', 'One entry point of the load balancer.', {
  ip: f(1, t.string(), 'IP of the entry point.'),
  hostname: f(2, t.string(), 'DNS name of the entry point.'),
  ports: f(4, t.list(t.object(() => IngressPortStatusSchema), { listType: 'atomic' }), 'Ports exposed by the entry point.'),
});

export const IngressLoadBalancerStatusSchema = object('IngressLoadBalancerStatus', 'Status of the load balancer of an Ingress.', {
  ingress: f(1, t.list(t.object(() => IngressLoadBalancerIngressSchema), { listType: 'atomic' }), 'Entry points of the load balancer.'),
});

export const IngressStatusSchema = object('IngressStatus', 'Observed state of an Ingress.', {
  loadBalancer: f(1, t.object(() => IngressLoadBalancerStatusSchema), 'Load-balancer status.'),
});

export const IngressSchema = object('Ingress', 'Rules that let inbound connections reach Services: hosts, paths, TLS.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => IngressSpecSchema), 'Desired routing.'),
  status: f(3, t.object(() => IngressStatusSchema), 'Observed state.'),
});
export type Ingress = Infer<typeof IngressSchema>;

/** formatHosts: up to three hosts, then ' + N more...'; '*' when no rule names a host. */
export function ingressHosts(rules: readonly IngressRule[] | undefined): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules ?? []) {
    if (list.length === 3) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${(rules ?? []).length - 3} more...` : list.join(',');
}

/** The load balancer's IPs (else hostnames), unique and sorted: kube-apiserver's wide form, never clipped. */
export function ingressAddress(ing: Ingress): string {
  const seen = new Set<string>();
  for (const i of ing.status?.loadBalancer?.ingress ?? []) {
    if (i.ip) seen.add(i.ip);
    else if (i.hostname) seen.add(i.hostname);
  }
  return [...seen].sort().join(',');
}

export const IngressKind = kind<Ingress>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  namespaced: true,
  schema: IngressSchema,
  protoName: 'k8s.io.api.networking.v1.Ingress',
  subresources: { status: true },
  hasGeneration: true,
  validate: (ing, old) => validateIngress(ing, old),
  printerColumns: [
    { name: 'Class', type: 'string', description: 'The IngressClass that implements this Ingress.', value: (i) => i.spec?.ingressClassName ?? '<none>' },
    { name: 'Hosts', type: 'string', description: 'Hosts the rules match.', value: (i) => ingressHosts(i.spec?.rules) },
    { name: 'Address', type: 'string', description: 'Entry points of the load balancer.', value: (i) => ingressAddress(i) },
    { name: 'Ports', type: 'string', description: 'Ports the Ingress opens (443 with TLS).', value: (i) => ((i.spec?.tls ?? []).length > 0 ? '80, 443' : '80') },
    ageColumn(),
  ],
});
