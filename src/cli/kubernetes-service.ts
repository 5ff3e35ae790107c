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

/** One API server as the `kubernetes` endpoints list it. */
export interface ApiServerAddress {
  ip: string;
  port: number;
}

/** Servers grouped by port (an Endpoints subset, an EndpointSlice, has one port list), each sorted, so every server computes the same objects. */
function byPort(servers: readonly ApiServerAddress[]): Array<{ port: number; ips: string[] }> {
  const groups = new Map<number, Set<string>>();
  for (const s of servers) groups.set(s.port, (groups.get(s.port) ?? new Set()).add(s.ip));
  return [...groups].sort(([a], [b]) => a - b).map(([port, ips]) => ({ port, ips: [...ips].sort() }));
}

/** Its Endpoints (what `kubectl describe svc kubernetes` shows); not mirrored into a slice. */
export function kubernetesEndpoints(servers: readonly ApiServerAddress[]): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: byPort(servers).map((g) => ({ addresses: g.ips.map((ip) => ({ ip })), ports: [{ name: PORT_NAME, port: g.port, protocol: 'TCP' }] })),
  } as Endpoints;
}

/** Its EndpointSlices (what the service proxies read): `kubernetes`, plus `kubernetes-<port>` for servers on other ports. */
export function kubernetesEndpointSlices(servers: readonly ApiServerAddress[]): EndpointSlice[] {
  return byPort(servers).map((g, i) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: i === 0 ? NAME : `${NAME}-${g.port}`, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': NAME } },
    addressType: 'IPv4',
    endpoints: g.ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: PORT_NAME, port: g.port, protocol: 'TCP' }],
  })) as EndpointSlice[];
}

/**
 * Creates or corrects the `kubernetes` Service, Endpoints and EndpointSlice at start (a
 * restarted server may listen on another port or address). A Service that exists with
 * another ClusterIP is left as is (its IP is immutable); the warning says so.
 */
export async function ensureKubernetesService(client: RestClient, cfg: KubernetesServiceConfig): Promise<string | undefined> {
  const warning = await ensureService(client, cfg, new Set([cfg.port]));
  await writeKubernetesEndpoints(client, [{ ip: cfg.endpointIP, port: cfg.port }]);
  return warning;
}

/**
 * Creates the Service, or points its targetPort at `cfg.port` when no server in `livePorts`
 * listens on the one it has. Resolves with a warning when its ClusterIP is not `cfg.clusterIP`.
 */
export async function ensureService(client: RestClient, cfg: KubernetesServiceConfig, livePorts: ReadonlySet<number>): Promise<string | undefined> {
  const services = client.resource<Service>(ServiceKind);
  const have = await upsert(services, kubernetesService(cfg), (cur) => {
    const port = cur.spec?.ports?.find((p) => p.name === PORT_NAME);
    if (!port || (typeof port.targetPort === 'number' && livePorts.has(port.targetPort))) return undefined;
    return { ...cur, spec: { ...cur.spec, ports: (cur.spec?.ports ?? []).map((p) => (p === port ? { ...p, targetPort: cfg.port } : p)) } } as Service;
  });
  const ip = have.spec?.clusterIP;
  return ip === cfg.clusterIP ? undefined : `default/kubernetes has clusterIP ${ip ?? 'none'}, not ${cfg.clusterIP} (the first address of --service-cidr); left as is`;
}

/**
 * Makes the Endpoints and EndpointSlices list exactly `servers` (writing only what differs).
 * `pruneSlices` also deletes `kubernetes-<port>` slices no server needs any more (only
 * several servers ever make them, so a lone server skips the extra list).
 */
export async function writeKubernetesEndpoints(client: RestClient, servers: readonly ApiServerAddress[], pruneSlices = false): Promise<void> {
  if (servers.length === 0) return;
  const want = kubernetesEndpoints(servers);
  await upsert(client.resource<Endpoints>(EndpointsKind), want, (cur) => (JSON.stringify(cur.subsets) === JSON.stringify(want.subsets) ? undefined : { ...cur, subsets: want.subsets }));
  const slices = client.resource<EndpointSlice>(EndpointSliceKind);
  const wanted = kubernetesEndpointSlices(servers);
  for (const next of wanted) {
    await upsert(slices, next, (cur) => {
      const same = JSON.stringify([cur.endpoints, cur.ports]) === JSON.stringify([next.endpoints, next.ports]);
      return same ? undefined : { ...cur, endpoints: next.endpoints, ports: next.ports };
    });
  }
  if (!pruneSlices) return;
  const names = new Set(wanted.map((w) => w.metadata?.name));
  const all = await slices.list({ namespace: NAMESPACE, labelSelector: `kubernetes.io/service-name=${NAME}` });
  for (const old of all.items) {
    const name = old.metadata?.name ?? '';
    if (names.has(name) || !name.startsWith(`${NAME}-`)) continue;
    await slices.delete(name, { namespace: NAMESPACE }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

/** Creates `want` if missing; otherwise updates it with what `fix` returns (nothing: already right). */
async function upsert<T extends { metadata?: { name?: string } }>(res: ResourceClient<T>, want: T, fix: (cur: T) => T | undefined): Promise<T> {
  const name = want.metadata?.name ?? NAME;
  const get = () =>
    res.get(name, { namespace: NAMESPACE }).catch((err: unknown) => {
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
