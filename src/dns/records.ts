import type { Service } from '../api/core/v1/service.js';
import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { CLASS_IN, RCODE, RR, normalizeName, type Question, type ResourceRecord } from './codec.js';
import { endpointAddrs, type EndpointAddr } from './endpoints.js';
import { parseClusterName, podLabelToIp } from './query-name.js';
import { DNS_SCHEMA_VERSION, DNS_VERSION_TTL, TTL, addrRecord, cname, pickAddrs, soa } from './rr.js';

export { TTL } from './rr.js';

/** What the resolver reads: the informers' caches, or a fixed list in tests. */
export interface DnsCatalog {
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices labelled kubernetes.io/service-name=<name> in the namespace. */
  slices(namespace: string, name: string): EndpointSlice[];
  /** Whether the namespace exists (CoreDNS answers NXDOMAIN under one that does not); absent: assume it does. */
  namespaceExists?(namespace: string): boolean;
  /** Services with this (canonical, see canonicalIp) address among their clusterIPs; for PTR. */
  servicesByIP?(ip: string): Service[];
  /** EndpointSlices with an endpoint at this (canonical) address; for PTR. */
  slicesByIP?(ip: string): EndpointSlice[];
}

export interface Resolution {
  rcode: number;
  answers: ResourceRecord[];
  /** SOA for NXDOMAIN / no-data answers. */
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  /** An ExternalName's target outside the zone: the server resolves it upstream and appends the answers (CoreDNS does). */
  chase?: string;
}

/** True when `name` (normalized) is the cluster domain or below it: ours to answer, never forwarded. */
export function inClusterDomain(name: string, domain: string): boolean {
  const n = normalizeName(name);
  const d = normalizeName(domain);
  return n === d || n.endsWith(`.${d}`);
}

/** CoreDNS follows at most 8 CNAMEs inside its zone before giving up on a chain. */
const MAX_CNAME_DEPTH = 8;

const srvWeight = (n: number) => Math.max(1, Math.floor(100 / n));

/**
 * Answers one question about the cluster domain as CoreDNS's kubernetes plugin does
 * (the kubernetes/dns specification plus CoreDNS's extensions). A name that does not exist
 * → NXDOMAIN; one that exists without records of the asked type → NOERROR, no answers
 * (NODATA); both with the zone's SOA in the authority section (RFC 2308). Answers carry the
 * question's spelling of the name.
 */
export function resolveClusterName(q: Question, catalog: DnsCatalog, domain: string, depth = 0): Resolution {
  const zone = normalizeName(domain);
  const serial = Math.floor(Date.now() / 1000);
  const nx: Resolution = { rcode: RCODE.NXDOMAIN, answers: [], authorities: [soa(zone, serial)], additionals: [] };
  const nodata: Resolution = { rcode: RCODE.NOERROR, answers: [], authorities: [soa(zone, serial)], additionals: [] };
  const ok = (answers: ResourceRecord[], additionals: ResourceRecord[] = []): Resolution => (answers.length ? { rcode: RCODE.NOERROR, answers, authorities: [], additionals } : nodata);
  const nsExists = (ns: string) => catalog.namespaceExists?.(ns) ?? true;
  const parsed = parseClusterName(normalizeName(q.name), zone);
  // The zone's name server: skiff's kube-system/kube-dns Service holds the address every node's DNS
  // binds — what CoreDNS finds as the Service in front of its own pod.
  const nameservers = () => catalog.service('kube-system', 'kube-dns')?.spec?.clusterIPs ?? [];

  switch (parsed.kind) {
    case 'invalid':
      return nx;
    case 'apex':
      if (parsed.zoneApex && q.type === RR.SOA) return ok([{ ...soa(zone, serial), name: q.name }]);
      if (parsed.zoneApex && q.type === RR.NS) {
        const target = `ns.dns.${zone}`;
        return ok([{ name: q.name, type: 2, class: CLASS_IN, ttl: TTL, target }], nameservers().map((ip) => addrRecord(target, ip)));
      }
      return nodata;
    case 'nameserver':
      return ok(pickAddrs(q.name, q.type, nameservers()));
    case 'dns-version':
      return q.type === RR.TXT ? ok([{ name: q.name, type: 16, class: CLASS_IN, ttl: DNS_VERSION_TTL, texts: [DNS_SCHEMA_VERSION] }]) : nodata;
    case 'namespace':
      return nsExists(parsed.namespace) ? nodata : nx;
    case 'pod': {
      // CoreDNS's `pods insecure` (the kubeadm default): any well-formed address, in an existing namespace.
      const ip = podLabelToIp(parsed.pod);
      return ip && nsExists(parsed.namespace) ? ok(pickAddrs(q.name, q.type, [ip])) : nx;
    }
    case 'service':
      break;
  }

  const { namespace: ns, service: name, endpoint, port, protocol } = parsed;
  const svc = nsExists(ns) ? catalog.service(ns, name) : undefined;
  if (!svc) return nx;
  const svcFqdn = `${name}.${ns}.svc.${zone}`;

  if (svc.spec?.type === 'ExternalName') {
    const target = normalizeName(svc.spec.externalName ?? '');
    if (endpoint !== undefined || !target) return nx;
    // CoreDNS answers only A, AAAA and CNAME with the alias (SRV, TXT… get NODATA), and never x CNAME x.
    if (target === normalizeName(q.name) || (q.type !== RR.A && q.type !== RR.AAAA && q.type !== RR.CNAME)) return nodata;
    const alias = cname(q.name, target);
    if (q.type === RR.CNAME) return ok([alias]);
    if (!inClusterDomain(target, zone)) return { ...ok([alias]), chase: target };
    if (depth >= MAX_CNAME_DEPTH) return nodata;
    const next = resolveClusterName({ ...q, name: target }, catalog, zone, depth + 1);
    return next.answers.length ? ok([alias, ...next.answers]) : nodata;
  }

  const wants = (p: { name: string; protocol: string }) => (port === undefined || p.name.toLowerCase() === port) && (protocol === undefined || p.protocol.toLowerCase() === protocol);

  // Endpoint names, and every name of a headless Service, are answered from its endpoints (spec §2.4).
  if (svc.spec?.clusterIP === 'None' || endpoint !== undefined) {
    const eps = endpointAddrs(svc, catalog.slices(ns, name)).filter((e) => endpoint === undefined || e.name.toLowerCase() === endpoint);
    const unfiltered = port === undefined && protocol === undefined;
    const entries: Array<{ e: EndpointAddr; port?: number }> = eps.flatMap((e) => (unfiltered && e.ports.length === 0 ? [{ e }] : e.ports.filter(wants).map((p) => ({ e, port: p.port }))));
    // No ready endpoint (spec §2.4.1), or none with that name or port: the name does not exist.
    if (entries.length === 0) return nx;
    if (q.type !== RR.SRV) return ok(pickAddrs(q.name, q.type, entries.map((x) => x.e.ip)));
    const srv = entries.filter((x) => x.port !== undefined);
    const weight = srvWeight(srv.length);
    const answers = srv.map(({ e, port: p }) => ({ name: q.name, type: 33 as const, class: CLASS_IN, ttl: TTL, priority: 0, weight, port: p!, target: `${e.name}.${svcFqdn}` }));
    const extra = srv.map(({ e }) => addrRecord(`${e.name}.${svcFqdn}`, e.ip));
    return ok(dedup(answers), dedup(extra));
  }

  const ports = (svc.spec?.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port ?? 0 })).filter(wants);
  if (ports.length === 0 && (port !== undefined || protocol !== undefined)) return nx;
  const clusterIPs = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  if (q.type !== RR.SRV) return ok(pickAddrs(q.name, q.type, clusterIPs));
  // CoreDNS spreads weight 100 over its (port × cluster IP) entries, then drops SRVs that repeat.
  const weight = srvWeight(ports.length * clusterIPs.length);
  const answers = ports.map((p) => ({ name: q.name, type: 33 as const, class: CLASS_IN, ttl: TTL, priority: 0, weight, port: p.port, target: svcFqdn }));
  return ok(dedup(answers), clusterIPs.map((ip) => addrRecord(svcFqdn, ip)));
}

/** Drops records identical to an earlier one (CoreDNS's dnsutil.Dedup). */
function dedup(records: ResourceRecord[]): ResourceRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = JSON.stringify(r);
    return !seen.has(key) && !!seen.add(key);
  });
}
