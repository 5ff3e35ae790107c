import { isIPv4 } from 'node:net';

/** IPv4 address arithmetic the rule compiler needs: pods are IPv4 here, and so are its rules. */

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/** An IPv4 CIDR as [first, last] integers; undefined for anything else (IPv6, garbage). */
export function cidrRange(cidr: string): [number, number] | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(cidr);
  if (!m || !isIPv4(m[1] as string)) return undefined;
  const bits = Number(m[2]);
  if (bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const first = Math.floor(toInt(m[1] as string) / size) * size;
  return [first, first + size - 1];
}

/** The CIDR with its host bits cleared (nft refuses `198.18.0.5/24` in a set). */
export function normalizeCidr(cidr: string): string | undefined {
  const r = cidrRange(cidr);
  if (!r) return undefined;
  const ip = [24, 16, 8, 0].map((s) => Math.floor(r[0] / 2 ** s) % 256).join('.');
  return `${ip}/${cidr.split('/')[1]}`;
}

export function cidrContainsIp(cidr: string, ip: string): boolean {
  const r = cidrRange(cidr);
  if (!r || !isIPv4(ip)) return false;
  const n = toInt(ip);
  return n >= r[0] && n <= r[1];
}

/**
 * Normalized IPv4 CIDRs without the ones another of them contains (two CIDRs are nested or
 * disjoint, so what is left never overlaps: nft refuses overlapping intervals in a set).
 */
export function collapseCidrs(cidrs: readonly string[]): string[] {
  const list = [...new Set(cidrs.map(normalizeCidr).filter((c): c is string => !!c))];
  const ranges = list.map((c) => [c, cidrRange(c) as [number, number]] as const);
  return ranges
    .filter(([c, [a, b]]) => !ranges.some(([o, [x, y]]) => o !== c && x <= a && b <= y))
    .map(([c]) => c)
    .sort();
}
