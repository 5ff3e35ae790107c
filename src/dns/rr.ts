/**
 * Resource-record builders and address helpers shared by the forward (names → records)
 * and reverse (addresses → names) resolvers.
 */
import { CLASS_IN, RR, type ResourceRecord } from './codec.js';
import { ipv4Bytes, ipv4ToString, ipv6Bytes, ipv6ToString } from './wire.js';

/** CoreDNS's kubernetes plugin answers with a 5 s TTL by default (its `ttl` option). */
export const TTL = 5;

/** Served as `dns-version.<zone>` TXT. 1.1.0 is the kubernetes/dns specification CoreDNS implements (AAAA, ip6.arpa). */
export const DNS_SCHEMA_VERSION = '1.1.0';
/** CoreDNS gives the dns-version record this TTL (8 h), as the specification's example does. */
export const DNS_VERSION_TTL = 28800;

export const isV6 = (ip: string): boolean => ip.includes(':');

/** One spelling per address (IPv6 uncompressed, as the codec decodes it), or undefined if `ip` is not one. */
export function canonicalIp(ip: string): string | undefined {
  try {
    return isV6(ip) ? ipv6ToString(ipv6Bytes(ip)) : ipv4ToString(ipv4Bytes(ip));
  } catch {
    return undefined;
  }
}

/** An address as a DNS label, as CoreDNS names endpoints without a hostname: dots or colons → dashes. */
export const dashed = (ip: string): string => (isV6(ip) ? ip.replace(/:/g, '-') : ip.replace(/\./g, '-'));

export const addrRecord = (name: string, ip: string): ResourceRecord =>
  isV6(ip) ? { name, type: 28, class: CLASS_IN, ttl: TTL, address: ip } : { name, type: 1, class: CLASS_IN, ttl: TTL, address: ip };

/** The A (or AAAA) records among `ips` for a question of type A (or AAAA); other types get none. */
export function pickAddrs(name: string, type: number, ips: readonly string[]): ResourceRecord[] {
  if (type !== RR.A && type !== RR.AAAA) return [];
  const seen = new Set<string>();
  return ips.filter((ip) => (type === RR.AAAA) === isV6(ip) && !seen.has(ip) && seen.add(ip)).map((ip) => addrRecord(name, ip));
}

export const cname = (name: string, target: string): ResourceRecord => ({ name, type: 5, class: CLASS_IN, ttl: TTL, target });
export const ptr = (name: string, target: string): ResourceRecord => ({ name, type: 12, class: CLASS_IN, ttl: TTL, target });

/**
 * The zone's SOA, as CoreDNS builds it: ns.dns.<zone>, hostmaster.<zone>, refresh 7200,
 * retry 1800, expire 86400, and minimum = TTL of its ttl setting (5 s), so that negative
 * answers are cached no longer than positive ones (RFC 2308 §5).
 */
export function soa(zone: string, serial: number): ResourceRecord {
  return { name: zone, type: 6, class: CLASS_IN, ttl: TTL, mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial: serial >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: TTL };
}

/**
 * The address a reverse name stands for: `d.c.b.a.in-addr.arpa` (4 labels) or 32 nibbles
 * under `ip6.arpa` (RFC 3596 §2.5); undefined for anything else (a partial name, a zone cut).
 */
export function ipFromReverseName(normalizedName: string): string | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(normalizedName);
  if (v4) return canonicalIp([v4[4], v4[3], v4[2], v4[1]].join('.'));
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(normalizedName);
  if (!v6) return undefined;
  const hex = v6[1]!.replace(/\./g, '').split('').reverse().join('');
  return canonicalIp(hex.match(/.{4}/g)!.join(':'));
}

export function isReverseName(normalizedName: string): boolean {
  return /(^|\.)(in-addr|ip6)\.arpa$/.test(normalizedName);
}
