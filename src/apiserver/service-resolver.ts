/**
 * Resolves a Service reference (an APIService's, an admission webhook's) to one ready
 * endpoint (address and target port), as kube-aggregator's service resolver does: the Service port numbered
 * `spec.service.port`, then an EndpointSlice port of the same name on a ready endpoint.
 * Pure: the caller passes what it has cached.
 */
import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import type { Service } from '../api/core/v1/service.js';

export interface ServiceLookup {
  service(namespace: string, name: string): Service | undefined;
  /** The slices labelled kubernetes.io/service-name=<name> in the namespace. */
  endpointSlices(namespace: string, name: string): readonly EndpointSlice[];
}

export type UnavailableReason = 'ServiceNotFound' | 'ServicePortError' | 'MissingEndpoints';

export type Resolution =
  | { ok: true; host: string; port: number }
  | { ok: false; reason: UnavailableReason; message: string };

export interface ServiceRef {
  namespace?: string;
  name?: string;
  port?: number;
}

/**
 * The endpoint to send requests to, or why there is none (with upstream's reasons and
 * messages). `pick` chooses among several ready endpoints (default: the first).
 */
export function resolveService(ref: ServiceRef, lookup: ServiceLookup, pick: (n: number) => number = () => 0): Resolution {
  const namespace = ref.namespace ?? '';
  const name = ref.name ?? '';
  const port = ref.port ?? 443;
  const svc = lookup.service(namespace, name);
  if (!svc) return { ok: false, reason: 'ServiceNotFound', message: `service/${name} in "${namespace}" is not present` };
  if (svc.spec?.type === 'ExternalName' && svc.spec.externalName) return { ok: true, host: svc.spec.externalName, port };
  const svcPort = (svc.spec?.ports ?? []).find((p) => p.port === port);
  if (!svcPort) return { ok: false, reason: 'ServicePortError', message: `service/${name} in "${namespace}" is not listening on port ${port}` };
  const portName = svcPort.name ?? '';
  const candidates: Array<{ host: string; port: number }> = [];
  for (const slice of lookup.endpointSlices(namespace, name)) {
    if (slice.addressType === 'FQDN') continue;
    const p = (slice.ports ?? []).find((x) => (x.name ?? '') === portName && (x.protocol ?? 'TCP') === 'TCP');
    if (p?.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const address = ep.addresses?.[0];
      if (address && ep.conditions?.ready !== false) candidates.push({ host: address, port: p.port });
    }
  }
  if (candidates.length === 0) {
    return { ok: false, reason: 'MissingEndpoints', message: `endpoints for service/${name} in "${namespace}" have no addresses with port name "${portName}"` };
  }
  const chosen = candidates[Math.min(candidates.length - 1, Math.max(0, pick(candidates.length)))] as { host: string; port: number };
  return { ok: true, ...chosen };
}
