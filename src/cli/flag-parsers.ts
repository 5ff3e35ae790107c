import { isIPv4 } from 'node:net';
import { InvalidArgumentError } from 'commander';

/** Flag parsers shared by `skiff up` and `skiff server` (commander argParsers: a one-line error on bad input). */

/** An IPv4 CIDR as [network as uint32, prefix length]; throws InvalidArgumentError. */
export function parseCidr4(v: string): [number, number] {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(v);
  if (!m || !isIPv4(m[1] ?? '') || Number(m[2]) > 32) throw new InvalidArgumentError('must be an IPv4 CIDR such as 10.42.0.0/16.');
  return [ipToInt(m[1] ?? ''), Number(m[2])];
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Whether `ip` lies inside `cidr`. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [net, bits] = parseCidr4(cidr);
  const size = 2 ** (32 - bits);
  const base = net - (net % size);
  const x = ipToInt(ip);
  return x >= base && x < base + size;
}

/** The first host address of the range (the API server's Service IP). */
export function cidrFirstHost(cidr: string): string {
  const [net, bits] = parseCidr4(cidr);
  const size = 2 ** (32 - bits);
  return intToIp(net - (net % size) + 1);
}


/** A commander parser: accepts an IPv4 CIDR, else a one-line error. */
export function checkCidr(v: string): string {
  parseCidr4(v);
  return v;
}

export function cidrOverlap(a: string, b: string): boolean {
  const [na, ba] = parseCidr4(a);
  const [nb, bb] = parseCidr4(b);
  const bits = Math.min(ba, bb);
  const size = 2 ** (32 - bits);
  return Math.floor(na / size) === Math.floor(nb / size);
}

/** A TCP port, 0–65535 (0 picks a free port). */
export function parsePort(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number (0-65535).');
  return Number(v);
}

/** A repeatable, comma-separated list flag. */
export function collectList(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}
