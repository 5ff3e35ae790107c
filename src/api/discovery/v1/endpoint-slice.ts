import { isIPv4, isIPv6 } from 'node:net';
import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectReferenceSchema } from '../../core/v1/references.js';
import { ObjectMetaSchema, ageColumn, fieldError, listWithMore } from '../../meta/v1/index.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../../machinery/names.js';

/** Label naming the Service a slice belongs to; consumers list slices by it. */
export const serviceNameLabel = 'kubernetes.io/service-name';
/** Label naming the controller that manages a slice. */
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
/** The value the built-in EndpointSlice controller uses for managedByLabel. */
export const endpointSliceControllerName = 'endpointslice-controller.k8s.io';

const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 100;

export const EndpointConditionsSchema = object('EndpointConditions', 'Readiness of one endpoint.', {
  ready: f(1, t.bool(), 'Ready for traffic (serving and not terminating); absent means true.', { pointer: true }),
  serving: f(2, t.bool(), 'Able to serve (Ready condition of the pod), even while terminating; absent means true.', { pointer: true }),
  terminating: f(3, t.bool(), 'Being shut down; absent means false.', { pointer: true }),
});

export const ForZoneSchema = object('ForZone', 'A zone that should consume an endpoint.', {
  name: f(1, t.string(), 'Name of the zone.', { required: true }),
});

export const EndpointHintsSchema = object('EndpointHints', 'Routing hints for topology-aware consumers.', {
  forZones: f(1, t.list(t.object(() => ForZoneSchema), { listType: 'atomic' }), 'Zones that should use this endpoint (at most 8).'),
});

export const EndpointSchema = object('Endpoint', 'One backend of a Service.', {
  addresses: f(1, t.list(t.string(), { listType: 'set' }), 'Addresses of the backend (the first one is used); 1 to 100.', { required: true }),
  conditions: f(2, t.object(() => EndpointConditionsSchema), 'Readiness of the backend.'),
  hostname: f(3, t.string(), 'Hostname of the backend, a DNS label (used for DNS records).'),
  targetRef: f(4, t.object(() => ObjectReferenceSchema), 'The object (usually a Pod) behind the backend.'),
  deprecatedTopology: f(5, t.map(t.string()), 'Deprecated topology labels; ignored on write.'),
  nodeName: f(6, t.string(), 'Node hosting the backend.'),
  zone: f(7, t.string(), 'Zone of the backend.'),
  hints: f(8, t.object(() => EndpointHintsSchema), 'Topology routing hints.'),
});
export type Endpoint = Infer<typeof EndpointSchema>;

export const EndpointPortSchema = object('EndpointPort', 'A port every endpoint of the slice serves.', {
  name: f(1, t.string(), 'Port name (the Service port’s name); empty or a DNS label, unique in the slice.', { default: '', pointer: true }),
  protocol: f(2, t.enum('TCP', 'UDP', 'SCTP'), 'IP protocol.', { default: 'TCP', pointer: true }),
  port: f(3, t.int32(), 'Port number on the endpoints (the Service’s target port).', { pointer: true }),
  appProtocol: f(4, t.string(), 'Application protocol hint, e.g. http or kubernetes.io/h2c.'),
});
export type EndpointPort = Infer<typeof EndpointPortSchema>;

export const EndpointSliceSchema = object('EndpointSlice', 'A subset of the backends of a Service.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata; labelled kubernetes.io/service-name.'),
  addressType: f(4, t.enum('IPv4', 'IPv6', 'FQDN'), 'Type of every address in the slice.', { required: true, immutable: true }),
  endpoints: f(2, t.list(t.object(() => EndpointSchema), { listType: 'atomic' }), 'The backends; at most 1000.'),
  ports: f(3, t.list(t.object(() => EndpointPortSchema), { listType: 'atomic' }), 'Ports every backend serves; at most 100.'),
});
export type EndpointSlice = Infer<typeof EndpointSliceSchema>;

function validateAddress(addressType: string | undefined, addr: string, path: string): SchemaFieldError[] {
  if (addressType === 'IPv4' && !isIPv4(addr)) return [fieldError.invalid(path, addr, 'must be a valid IPv4 address')];
  if (addressType === 'IPv6' && !isIPv6(addr)) return [fieldError.invalid(path, addr, 'must be a valid IPv6 address')];
  if (addressType === 'FQDN') return isDNS1123Subdomain(addr).map((m) => fieldError.invalid(path, addr, m));
  return [];
}

/** Upstream's ValidateEndpointSlice checks beyond the schema. */
export function validateEndpointSlice(es: EndpointSlice): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const endpoints = es.endpoints ?? [];
  if (endpoints.length > maxEndpoints) errs.push(fieldError.tooMany('endpoints', endpoints.length, maxEndpoints));
  endpoints.forEach((ep, i) => {
    const p = `endpoints[${i}]`;
    const addrs = ep.addresses ?? [];
    if (addrs.length === 0) errs.push(fieldError.required(`${p}.addresses`, 'must contain at least 1 address'));
    if (addrs.length > maxAddresses) errs.push(fieldError.tooMany(`${p}.addresses`, addrs.length, maxAddresses));
    addrs.forEach((a, j) => errs.push(...validateAddress(es.addressType, a, `${p}.addresses[${j}]`)));
    if (ep.hostname) for (const m of isDNS1123Label(ep.hostname)) errs.push(fieldError.invalid(`${p}.hostname`, ep.hostname, m));
    if (ep.nodeName) for (const m of isDNS1123Subdomain(ep.nodeName)) errs.push(fieldError.invalid(`${p}.nodeName`, ep.nodeName, m));
  });
  const ports = es.ports ?? [];
  if (ports.length > maxPorts) errs.push(fieldError.tooMany('ports', ports.length, maxPorts));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `ports[${i}]`;
    const name = port.name ?? '';
    if (name !== '') for (const m of isDNS1123Label(name)) errs.push(fieldError.invalid(`${p}.name`, name, m));
    if (names.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
    names.add(name);
    if (port.port !== undefined && (port.port < 0 || port.port > 65535)) {
      errs.push(fieldError.invalid(`${p}.port`, port.port, 'must be between 0 and 65535, inclusive'));
    }
  });
  return errs;
}

/** formatDiscoveryPorts: port numbers (or names, or '*'), the first three then "+ N more...". */
export function endpointSlicePortsText(es: EndpointSlice): string {
  return listWithMore((es.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name ? p.name : '*')));
}

/** formatDiscoveryEndpoints: every address of every endpoint, the first three then "+ N more...". */
export function endpointSliceEndpointsText(es: EndpointSlice): string {
  return listWithMore((es.endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

export const EndpointSliceKind = kind<EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  schema: EndpointSliceSchema,
  protoName: 'k8s.io.api.discovery.v1.EndpointSlice',
  validate: (es) => validateEndpointSlice(es),
  printerColumns: [
    { name: 'AddressType', type: 'string', description: 'Type of the addresses.', value: (es) => es.addressType ?? '' },
    { name: 'Ports', type: 'string', description: 'Ports of the endpoints.', value: endpointSlicePortsText },
    { name: 'Endpoints', type: 'string', description: 'Addresses of the endpoints.', value: endpointSliceEndpointsText },
    ageColumn(),
  ],
});
