import { serviceNameLabel } from '../api/discovery/v1/endpoint-slice.js';
import { RCODE, RR, normalizeName, type Question } from './codec.js';
import { endpointAddrs } from './endpoints.js';
import type { DnsCatalog, Resolution } from './records.js';
import { canonicalIp, ipFromReverseName, ptr } from './rr.js';

/**
 * PTR answers for cluster addresses (spec §2.3.3 and §2.4.3), as CoreDNS's kubernetes plugin
 * serves `in-addr.arpa` and `ip6.arpa` in the default Corefile: a ClusterIP names its Service;
 * otherwise every ready endpoint at that address names itself under its Service
 * (`<hostname or dashed ip>.<svc>.<ns>.svc.<zone>`). Returns undefined when the address is not
 * the cluster's (or the question is not a PTR of one address): the Corefile's
 * `fallthrough in-addr.arpa ip6.arpa` sends those upstream.
 */
export function resolveReverse(q: Question, catalog: DnsCatalog, domain: string): Resolution | undefined {
  if (q.type !== RR.PTR) return undefined;
  const ip = ipFromReverseName(normalizeName(q.name));
  if (!ip) return undefined;
  const zone = normalizeName(domain);
  const answer = (targets: string[]): Resolution => ({ rcode: RCODE.NOERROR, answers: [...new Set(targets)].map((t) => ptr(q.name, t)), authorities: [], additionals: [] });

  // CoreDNS answers with the first Service that has the address, not with all of them.
  const svc = (catalog.servicesByIP?.(ip) ?? []).find((s) => s.spec?.clusterIP !== 'None');
  if (svc) return answer([`${svc.metadata?.name ?? ''}.${svc.metadata?.namespace ?? ''}.svc.${zone}`]);

  const targets: string[] = [];
  for (const slice of catalog.slicesByIP?.(ip) ?? []) {
    const ns = slice.metadata?.namespace ?? '';
    const name = slice.metadata?.labels?.[serviceNameLabel];
    const owner = name ? catalog.service(ns, name) : undefined;
    if (!owner || !name) continue;
    for (const e of endpointAddrs(owner, [slice])) if (canonicalIp(e.ip) === ip) targets.push(`${e.name}.${name}.${ns}.svc.${zone}`);
  }
  return targets.length ? answer(targets) : undefined;
}

/** Index keys for a catalog's servicesByIP: the canonical ClusterIPs (headless has none). */
export function serviceIPKeys(svc: { spec?: { clusterIP?: string; clusterIPs?: string[] } }): string[] {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.map(canonicalIp).filter((x): x is string => !!x);
}

/** Index keys for a catalog's slicesByIP: the canonical endpoint addresses. */
export function sliceIPKeys(slice: { addressType?: string; endpoints?: Array<{ addresses?: string[] }> }): string[] {
  if (slice.addressType === 'FQDN') return [];
  return [...new Set((slice.endpoints ?? []).map((e) => canonicalIp(e.addresses?.[0] ?? '')).filter((x): x is string => !!x))];
}
