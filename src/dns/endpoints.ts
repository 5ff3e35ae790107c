/** What DNS publishes of a Service's EndpointSlices: the ready addresses, their names and ports. */
import type { Service } from '../api/core/v1/service.js';
import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { dashed } from './rr.js';

export interface EndpointAddr {
  ip: string;
  /** The endpoint's DNS label: its hostname, else its dashed address (CoreDNS's endpointHostname). */
  name: string;
  /** The slice's ports; CoreDNS keeps an endpoint without ports as an address with no SRV. */
  ports: ReadonlyArray<{ name: string; protocol: string; port: number }>;
}

/**
 * The published endpoints of `svc`, sorted by address: ready ones (spec §2.1 "ready"),
 * or all of them with publishNotReadyAddresses; FQDN slices carry no addresses for DNS.
 * An address in several slices appears once per slice (one per port set), as in CoreDNS.
 */
export function endpointAddrs(svc: Service, slices: readonly EndpointSlice[]): EndpointAddr[] {
  const out: EndpointAddr[] = [];
  for (const s of slices) {
    if (s.addressType === 'FQDN') continue;
    const ports = (s.ports ?? []).filter((p) => p.port !== undefined).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port! }));
    const seen = new Set<string>();
    for (const ep of s.endpoints ?? []) {
      if (!(svc.spec?.publishNotReadyAddresses || (ep.conditions?.ready ?? true))) continue;
      const ip = ep.addresses?.[0];
      if (!ip || seen.has(ip)) continue;
      seen.add(ip);
      out.push({ ip, name: ep.hostname || dashed(ip), ports });
    }
  }
  return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}
