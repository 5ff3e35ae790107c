import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { ageColumn } from '../../meta/v1/printing.js';
import { ptr } from './embedded.js';
import { fe } from './field-errors.js';
import { isDns1123Label, isValidIP, isValidPortNum } from './names.js';
import { ObjectReferenceSchema } from './references.js';

export const EndpointAddressSchema = object('EndpointAddress', 'One IP address serving a Service.', {
  ip: f(1, t.string(), 'The IP address.', { required: true }),
  targetRef: f(2, t.object(() => ObjectReferenceSchema), 'The object (usually a pod) behind the address.'),
  hostname: f(3, t.string(), 'Host name of the endpoint.'),
  nodeName: ptr(f(4, t.string(), 'Node hosting the endpoint.')),
});
export type EndpointAddress = Infer<typeof EndpointAddressSchema>;

export const EndpointPortSchema = object('EndpointPort', 'One port of the addresses in a subset.', {
  name: f(1, t.string(), 'Name matching the Service port’s name.'),
  port: f(2, t.int32(), 'Port number.', { required: true }),
  protocol: f(3, t.enum('TCP', 'UDP', 'SCTP'), 'Transport protocol.', { default: 'TCP' }),
  appProtocol: ptr(f(4, t.string(), 'Application protocol hint.')),
});
export type EndpointPort = Infer<typeof EndpointPortSchema>;

export const EndpointSubsetSchema = object('EndpointSubset', 'Addresses sharing one set of ports.', {
  addresses: f(1, t.list(t.object(() => EndpointAddressSchema)), 'Ready addresses.'),
  notReadyAddresses: f(2, t.list(t.object(() => EndpointAddressSchema)), 'Addresses not ready yet.'),
  ports: f(3, t.list(t.object(() => EndpointPortSchema)), 'Ports available on every address.'),
});
export type EndpointSubset = Infer<typeof EndpointSubsetSchema>;

export const EndpointsSchema = object('Endpoints', 'The addresses currently implementing a Service.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  subsets: f(2, t.list(t.object(() => EndpointSubsetSchema)), 'Groups of addresses and ports.'),
});
export type Endpoints = Infer<typeof EndpointsSchema>;

const hostPort = (ip: string, port: number | undefined): string => (ip.includes(':') ? `[${ip}]:${port ?? 0}` : `${ip}:${port ?? 0}`);

/** ENDPOINTS cell: up to three ip:port pairs, then "+ N more...", as kubectl's formatEndpoints. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports || ss.ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip ?? '');
      }
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(hostPort(a.ip ?? '', p.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/**
 * ValidateEndpoints, minus its ban on loopback and link-local addresses: skiff's rootless
 * process runtime gives pods 127.x.y.z addresses, and their Endpoints must carry them.
 */
export function validateEndpoints(ep: Endpoints): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  (ep.subsets ?? []).forEach((ss, i) => {
    const sp = `subsets[${i}]`;
    for (const list of ['addresses', 'notReadyAddresses'] as const) {
      (ss[list] ?? []).forEach((a, j) => {
        if (a.ip !== undefined && !isValidIP(a.ip)) errs.push(fe.invalid(`${sp}.${list}[${j}].ip`, a.ip, 'must be a valid IP address'));
        if (a.hostname) for (const msg of isDns1123Label(a.hostname)) errs.push(fe.invalid(`${sp}.${list}[${j}].hostname`, a.hostname, msg));
      });
    }
    const ports = ss.ports ?? [];
    ports.forEach((p, j) => {
      const pp = `${sp}.ports[${j}]`;
      if (ports.length > 1 && !p.name) errs.push(fe.required(`${pp}.name`, ''));
      if (p.name) for (const msg of isDns1123Label(p.name)) errs.push(fe.invalid(`${pp}.name`, p.name, msg));
      if (p.port !== undefined) for (const msg of isValidPortNum(p.port)) errs.push(fe.invalid(`${pp}.port`, p.port, msg));
    });
  });
  return errs;
}

export const EndpointsKind = kind<Endpoints>({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  schema: EndpointsSchema,
  protoName: 'k8s.io.api.core.v1.Endpoints',
  validate: (ep) => validateEndpoints(ep),
  printerColumns: [
    { name: 'Endpoints', type: 'string', description: 'Addresses and ports of the endpoints.', value: (ep) => formatEndpoints(ep) },
    ageColumn<Endpoints>(),
  ],
});
