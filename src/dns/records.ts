import type { Service } from '../api/core/v1/service.js';
import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { CLASS_IN, RCODE, RR, normalizeName, type Question, type ResourceRecord } from './codec.js';

/** What the resolver reads: the informers' caches, or a fixed list in tests. */
export interface DnsCatalog {
  service(namespace: string, name: string): Service | undefined;
  /** The EndpointSlices labelled kubernetes.io/service-name=<name> in the namespace. */
  slices(namespace: string, name: string): EndpointSlice[];
}

export interface Resolution {
  rcode: number;
  answers: ResourceRecord[];
  /** SOA for NXDOMAIN / no-data answers. */
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

/** CoreDNS's kubernetes plugin answers with a 5 s TTL by default. */
export const TTL = 5;

const isV6 = (ip: string) => ip.includes(':');

/** True when `name` (normalized) is the cluster domain or below it: ours to answer, never forwarded. */
export function inClusterDomain(name: string, domain: string): boolean {
  const n = normalizeName(name);
  const d = normalizeName(domain);
  return n === d || n.endsWith(`.${d}`);
}

function soa(domain: string): ResourceRecord {
  return { name: domain, type: 6, class: CLASS_IN, ttl: TTL, mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: Math.floor(Date.now() / 1000) >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: TTL };
}

interface EndpointAddr {
  ip: string;
  hostname: string | undefined;
}

/** Addresses of a headless service: ready endpoints (all of them with publishNotReadyAddresses). */
function endpointAddrs(svc: Service, slices: readonly EndpointSlice[]): EndpointAddr[] {
  const out = new Map<string, EndpointAddr>();
  for (const s of slices) {
    if (s.addressType === 'FQDN') continue;
    for (const ep of s.endpoints ?? []) {
      if (!(svc.spec?.publishNotReadyAddresses || (ep.conditions?.ready ?? true))) continue;
      const ip = ep.addresses?.[0];
      if (ip && !out.has(ip)) out.set(ip, { ip, hostname: ep.hostname });
    }
  }
  return [...out.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

const addrRecord = (name: string, ip: string): ResourceRecord => (isV6(ip) ? { name, type: 28, class: CLASS_IN, ttl: TTL, address: ip } : { name, type: 1, class: CLASS_IN, ttl: TTL, address: ip });

/** Keeps the records of the asked type (A or AAAA); the others exist but are not answers. */
function pickAddrs(name: string, type: number, ips: readonly string[]): ResourceRecord[] {
  return ips.filter((ip) => (type === RR.AAAA ? isV6(ip) : !isV6(ip))).map((ip) => addrRecord(name, ip));
}

const dashed = (ip: string) => (isV6(ip) ? ip.replace(/:/g, '-') : ip.replace(/\./g, '-'));

/**
 * Answers one question about the cluster domain, as CoreDNS's kubernetes plugin does:
 * - `<svc>.<ns>.svc.<domain>` A/AAAA → the ClusterIPs; headless → ready endpoint IPs;
 *   ExternalName → CNAME;
 * - `_<port>._<proto>.<svc>.<ns>.svc.<domain>` SRV → one per named port (headless: one per endpoint);
 * - `<hostname>.<svc>.<ns>.svc.<domain>` → the endpoint with that hostname (or dashed IP);
 * - `<a-b-c-d>.<ns>.pod.<domain>` → that IP;
 * - anything else in the domain → NXDOMAIN; a name that exists without records of the type → NOERROR, no answers.
 */
export function resolveClusterName(q: Question, catalog: DnsCatalog, domain: string): Resolution {
  const d = normalizeName(domain);
  const name = normalizeName(q.name);
  const rel = name === d ? '' : name.slice(0, -(d.length + 1));
  const labels = rel ? rel.split('.') : [];
  const nx: Resolution = { rcode: RCODE.NXDOMAIN, answers: [], authorities: [soa(d)], additionals: [] };
  const nodata: Resolution = { rcode: RCODE.NOERROR, answers: [], authorities: [soa(d)], additionals: [] };
  const ok = (answers: ResourceRecord[], additionals: ResourceRecord[] = []): Resolution => (answers.length ? { rcode: RCODE.NOERROR, answers, authorities: [], additionals } : nodata);
  const wantsAddr = q.type === RR.A || q.type === RR.AAAA || q.type === RR.ANY;
  const addrType = q.type === RR.AAAA ? RR.AAAA : RR.A;

  // Zone apex and the intermediate names exist (empty non-terminals).
  if (labels.length === 0 || (labels.length === 1 && (labels[0] === 'svc' || labels[0] === 'pod'))) return nodata;
  const kind = labels[labels.length - 1];
  if (kind === 'pod') {
    if (labels.length !== 3) return labels.length === 2 ? nodata : nx;
    const ipv4 = labels[0]!.replace(/-/g, '.');
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ipv4) || ipv4.split('.').some((x) => Number(x) > 255)) return nx;
    return wantsAddr ? ok(pickAddrs(q.name, addrType, [ipv4])) : nodata;
  }
  if (kind !== 'svc') return nx;
  if (labels.length === 2) return nodata; // <ns>.svc.<domain>
  const ns = labels[labels.length - 2]!;
  const svcName = labels[labels.length - 3]!;
  const svc = catalog.service(ns, svcName);
  if (!svc) return nx;
  const svcFqdn = `${svcName}.${ns}.svc.${d}`;
  const headless = svc.spec?.clusterIP === 'None';
  const prefix = labels.slice(0, -3);

  if (prefix.length === 0) {
    if (svc.spec?.type === 'ExternalName' && svc.spec.externalName) {
      return ok([{ name: q.name, type: 5, class: CLASS_IN, ttl: TTL, target: svc.spec.externalName }]);
    }
    if (!wantsAddr) return nodata;
    const ips = headless ? endpointAddrs(svc, catalog.slices(ns, svcName)).map((e) => e.ip) : (svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    return ok(pickAddrs(q.name, addrType, ips));
  }

  if (prefix.length === 2 && prefix[0]!.startsWith('_') && prefix[1]!.startsWith('_')) {
    const portName = prefix[0]!.slice(1);
    const proto = prefix[1]!.slice(1).toUpperCase();
    const port = (svc.spec?.ports ?? []).find((p) => p.name && p.name.toLowerCase() === portName && (p.protocol ?? 'TCP') === proto);
    if (!port) return nx;
    if (q.type !== RR.SRV && q.type !== RR.ANY) return nodata;
    if (!headless) {
      const extra = pickAddrs(svcFqdn, RR.A, svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []));
      return ok([{ name: q.name, type: 33, class: CLASS_IN, ttl: TTL, priority: 0, weight: 100, port: port.port ?? 0, target: svcFqdn }], extra);
    }
    const answers: ResourceRecord[] = [];
    const extra: ResourceRecord[] = [];
    const slices = catalog.slices(ns, svcName);
    for (const s of slices) {
      const sp = (s.ports ?? []).find((p) => (p.name ?? '') === port.name && (p.protocol ?? 'TCP') === proto);
      if (sp?.port === undefined) continue;
      for (const e of endpointAddrs(svc, [s])) {
        const target = `${e.hostname ?? dashed(e.ip)}.${svcFqdn}`;
        answers.push({ name: q.name, type: 33, class: CLASS_IN, ttl: TTL, priority: 0, weight: 100, port: sp.port, target });
        extra.push(addrRecord(target, e.ip));
      }
    }
    return ok(answers, extra);
  }

  if (prefix.length === 1) {
    const host = prefix[0]!;
    const match = endpointAddrs(svc, catalog.slices(ns, svcName)).filter((e) => e.hostname === host || dashed(e.ip) === host);
    if (match.length === 0) return nx;
    return wantsAddr ? ok(pickAddrs(q.name, addrType, match.map((e) => e.ip))) : nodata;
  }
  return nx;
}
