import type { Service, ServicePort } from '../api/core/v1/service.js';
import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';

/** One backend address:port of a service port, with its EndpointSlice conditions resolved (absent ready/serving mean true). */
export interface Backend {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The node the endpoint runs on, when the slice says (traffic policies need it). */
  nodeName?: string;
}

/**
 * The backends of one service port, gathered from every slice of the service: slice ports
 * are matched to the service port by name (as kube-proxy does) and protocol. Duplicates
 * (the same ip:port in two slices, as during a slice handover) appear once, the ready copy winning.
 */
export function backendsFor(svcPort: ServicePort, slices: readonly EndpointSlice[]): Backend[] {
  const name = svcPort.name ?? '';
  const protocol = svcPort.protocol ?? 'TCP';
  const byAddr = new Map<string, Backend>();
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === name && (p.protocol ?? 'TCP') === protocol);
    if (port?.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip) continue;
      const c = ep.conditions ?? {};
      const b: Backend = { ip, port: port.port, ready: c.ready ?? true, serving: c.serving ?? true, terminating: c.terminating ?? false, ...(ep.nodeName ? { nodeName: ep.nodeName } : {}) };
      const key = `${ip}|${port.port}`;
      const prev = byAddr.get(key);
      if (!prev || (!prev.ready && b.ready)) byAddr.set(key, b);
    }
  }
  return [...byAddr.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

/**
 * The backends that may take new connections: the ready ones; if there are none, the
 * serving terminating ones (kube-proxy's ProxyTerminatingEndpoints fallback, so a rolling
 * update of a one-replica service does not drop traffic). Terminating endpoints otherwise
 * get no new connections; their open ones drain.
 */
export function usableBackends(backends: readonly Backend[]): Backend[] {
  const ready = backends.filter((b) => b.ready && !b.terminating);
  if (ready.length > 0) return ready;
  return backends.filter((b) => b.serving && b.terminating);
}

/** Which traffic a listener or rule carries: from inside the cluster (ClusterIP) or from outside (NodePort, load balancer, external IP). */
export type TrafficSource = 'internal' | 'external';

/**
 * The backends a service port may use for traffic of one kind, as kube-proxy applies the
 * traffic policies: `internalTrafficPolicy: Local` (ClusterIP traffic) or
 * `externalTrafficPolicy: Local` (NodePort and load-balancer traffic) keeps only the
 * endpoints on this node — none there means the traffic is refused, never sent elsewhere.
 * Without a node name the proxy cannot tell which endpoints are local and applies Cluster.
 */
export function backendsForPolicy(svc: Service, backends: Backend[], source: TrafficSource, nodeName: string | undefined): Backend[] {
  const policy = source === 'internal' ? svc.spec?.internalTrafficPolicy : svc.spec?.externalTrafficPolicy;
  if (policy !== 'Local' || !nodeName) return backends;
  return backends.filter((b) => b.nodeName === nodeName);
}

/** Round-robin over a changing list: the cursor survives list changes (modulo the new length). */
export class RoundRobin {
  private next = 0;
  pick<T>(items: readonly T[]): T | undefined {
    if (items.length === 0) return undefined;
    const i = this.next % items.length;
    this.next = (i + 1) % items.length;
    return items[i];
  }
}

/** Sticky client-IP → backend table with an idle timeout (sessionAffinity: ClientIP). Time is injected. */
export class AffinityTable {
  private readonly entries = new Map<string, { backend: string; expires: number }>();
  constructor(private readonly config: { timeoutMs: number; now?: () => number }) {}

  private now(): number {
    return this.config.now ? this.config.now() : Date.now();
  }

  /**
   * The backend this client sticks to, if it is still usable and the entry has not expired;
   * otherwise `choose()` picks one, which is remembered. Every use refreshes the timeout.
   */
  pick(clientIp: string, usable: readonly Backend[], choose: () => Backend | undefined): Backend | undefined {
    const now = this.now();
    const e = this.entries.get(clientIp);
    if (e && e.expires > now) {
      const b = usable.find((u) => `${u.ip}:${u.port}` === e.backend);
      if (b) {
        e.expires = now + this.config.timeoutMs;
        return b;
      }
    }
    const b = choose();
    if (b) this.entries.set(clientIp, { backend: `${b.ip}:${b.port}`, expires: now + this.config.timeoutMs });
    else this.entries.delete(clientIp);
    return b;
  }

  /** Drops expired entries (call now and then so the table does not grow without bound). */
  sweep(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The affinity timeout of a service, or undefined when it has no ClientIP affinity. */
export function affinityTimeoutMs(svc: Service): number | undefined {
  if (svc.spec?.sessionAffinity !== 'ClientIP') return undefined;
  return (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) * 1000;
}
