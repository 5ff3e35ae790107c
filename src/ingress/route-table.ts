import type { Service } from '../api/core/v1/service.js';
import { serviceNameLabel, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import type { Ingress, IngressBackend } from '../api/networking/v1/ingress.js';
import type { IngressClass } from '../api/networking/v1/ingress-class.js';
import { backendsFor, usableBackends, type Backend } from '../proxy/endpoints.js';
import { servesIngress } from './ingress-class.js';
import { matchRoute, type RouteMatch } from './match.js';

/** Where a matched backend leads: the usable endpoints of a service port, or why there are none. */
export type Resolved = { key: string; backends: Backend[] } | { key: string; problem: string };

/**
 * One consistent view of the caches, built when a request finds the last one outdated:
 * the Ingresses this controller serves in precedence order, and their backends resolved
 * through Services and EndpointSlices.
 */
export interface RouteTable {
  /** Served Ingresses, oldest first (ties between rules go to the older one). */
  readonly ingresses: readonly Ingress[];
  route(host: string, path: string): RouteMatch | undefined;
  /** The ready endpoints (target ports) of a backend of an Ingress in `namespace`. */
  resolve(namespace: string, backend: IngressBackend): Resolved;
}

export interface RouteTableInput {
  className: string;
  ingresses: readonly Ingress[];
  classes: readonly IngressClass[];
  services: readonly Service[];
  slices: readonly EndpointSlice[];
}

const nsName = (o: { metadata?: { namespace?: string; name?: string } }): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

function olderFirst(a: Ingress, b: Ingress): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = nsName(a);
  const kb = nsName(b);
  return ka === kb ? 0 : ka < kb ? -1 : 1;
}

export function buildRouteTable(input: RouteTableInput): RouteTable {
  const classes = new Map(input.classes.map((c) => [c.metadata?.name ?? '', c]));
  const ingresses = input.ingresses.filter((i) => servesIngress(i, input.className, classes)).sort(olderFirst);
  const services = new Map(input.services.map((s) => [nsName(s), s]));
  const slicesBySvc = new Map<string, EndpointSlice[]>();
  for (const s of input.slices) {
    const svc = s.metadata?.labels?.[serviceNameLabel];
    if (!svc) continue;
    const key = `${s.metadata?.namespace ?? ''}/${svc}`;
    (slicesBySvc.get(key) ?? slicesBySvc.set(key, []).get(key)!).push(s);
  }
  // A table lives until the next cache change: resolve each backend once per table.
  const resolved = new Map<string, Resolved>();

  function resolveUncached(key: string, namespace: string, backend: IngressBackend): Resolved {
    const ref = backend.service;
    if (!ref) return { key, problem: 'resource backends are not supported' };
    const svc = services.get(`${namespace}/${ref.name}`);
    if (!svc) return { key, problem: `service ${namespace}/${ref.name} not found` };
    if (svc.spec?.type === 'ExternalName') return { key, problem: `service ${namespace}/${ref.name} is ExternalName` };
    const port = (svc.spec?.ports ?? []).find((p) =>
      (p.protocol ?? 'TCP') === 'TCP' && (ref.port?.name ? p.name === ref.port.name : ref.port?.number !== undefined ? p.port === ref.port.number : (svc.spec?.ports ?? []).length === 1),
    );
    if (!port) return { key, problem: `service ${namespace}/${ref.name} has no port ${ref.port?.name ?? ref.port?.number ?? '(unset)'}` };
    const backends = usableBackends(backendsFor(port, slicesBySvc.get(`${namespace}/${ref.name}`) ?? []));
    return backends.length > 0 ? { key, backends } : { key, problem: `service ${namespace}/${ref.name} has no ready endpoints` };
  }

  return {
    ingresses,
    route: (host, path) => matchRoute(ingresses, host, path),
    resolve(namespace, backend) {
      const ref = backend.service;
      const key = ref ? `${namespace}/${ref.name}:${ref.port?.name ?? ref.port?.number ?? ''}` : `${namespace}/<resource>`;
      let r = resolved.get(key);
      if (!r) resolved.set(key, (r = resolveUncached(key, namespace, backend)));
      return r;
    },
  };
}
