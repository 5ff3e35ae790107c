import { ServiceKind, type Service } from '../api/core/v1/service.js';
import { EndpointsKind, type Endpoints } from '../api/core/v1/endpoints.js';
import { EndpointSliceKind, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import type { ResourceClient } from '../client/resource-client.js';
import type { RestClient } from '../client/rest-client.js';

/** Where the in-cluster `kubernetes` Service points: the service range's first address, to this API server. */
export interface KubernetesServiceConfig {
  clusterIP: string;
  /** The API server's address as other machines (and the proxy) reach it. */
  endpointIP: string;
  /** The API server's port. */
  port: number;
}

const NAMESPACE = 'default';
const NAME = 'kubernetes';
const PORT_NAME = 'https';

/**
 * The `default/kubernetes` Service, as kube-apiserver keeps it: ClusterIP the range's first
 * address, port 443 to the API server's port, no selector (so no controller writes its
 * endpoints; the API server does).
 */
export function kubernetesService(cfg: KubernetesServiceConfig): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: cfg.clusterIP,
      sessionAffinity: 'None',
      ports: [{ name: PORT_NAME, port: 443, protocol: 'TCP', targetPort: cfg.port }],
    },
  } as Service;
}

/** Its Endpoints (what `kubectl describe svc kubernetes` shows); not mirrored into a slice. */
export function kubernetesEndpoints(cfg: KubernetesServiceConfig): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: cfg.endpointIP }], ports: [{ name: PORT_NAME, port: cfg.port, protocol: 'TCP' }] }],
  } as Endpoints;
}

/** Its EndpointSlice (what the service proxies read). */
export function kubernetesEndpointSlice(cfg: KubernetesServiceConfig): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': NAME } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [cfg.endpointIP], conditions: { ready: true } }],
    ports: [{ name: PORT_NAME, port: cfg.port, protocol: 'TCP' }],
  } as EndpointSlice;
}

/**
 * Creates or corrects the `kubernetes` Service, Endpoints and EndpointSlice at start (a
 * restarted server may listen on another port or address). A Service that exists with
 * another ClusterIP is left as is (its IP is immutable); the warning says so.
 */
export async function ensureKubernetesService(client: RestClient, cfg: KubernetesServiceConfig): Promise<string | undefined> {
  const services = client.resource<Service>(ServiceKind);
  const want = kubernetesService(cfg);
  const have = await upsert(services, want, (cur) => {
    const port = cur.spec?.ports?.find((p) => p.name === PORT_NAME);
    if (!port || port.targetPort === cfg.port) return undefined;
    return { ...cur, spec: { ...cur.spec, ports: (cur.spec?.ports ?? []).map((p) => (p === port ? { ...p, targetPort: cfg.port } : p)) } } as Service;
  });
  await upsert(client.resource<Endpoints>(EndpointsKind), kubernetesEndpoints(cfg), (cur) => {
    const next = kubernetesEndpoints(cfg);
    return JSON.stringify(cur.subsets) === JSON.stringify(next.subsets) ? undefined : { ...cur, subsets: next.subsets };
  });
  await upsert(client.resource<EndpointSlice>(EndpointSliceKind), kubernetesEndpointSlice(cfg), (cur) => {
    const next = kubernetesEndpointSlice(cfg);
    const same = JSON.stringify([cur.endpoints, cur.ports]) === JSON.stringify([next.endpoints, next.ports]);
    return same ? undefined : { ...cur, endpoints: next.endpoints, ports: next.ports };
  });
  const ip = have.spec?.clusterIP;
  return ip === cfg.clusterIP ? undefined : `default/kubernetes has clusterIP ${ip ?? 'none'}, not ${cfg.clusterIP} (the first address of --service-cidr); left as is`;
}

/** Creates `want` if missing; otherwise updates it with what `fix` returns (nothing: already right). */
async function upsert<T extends { metadata?: { name?: string } }>(res: ResourceClient<T>, want: T, fix: (cur: T) => T | undefined): Promise<T> {
  const get = () =>
    res.get(NAME, { namespace: NAMESPACE }).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  let cur = await get();
  if (!cur) {
    try {
      return await res.create(want, { namespace: NAMESPACE });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      cur = (await get()) as T;
    }
  }
  const next = fix(cur);
  return next ? await res.update(next, { namespace: NAMESPACE }) : cur;
}
