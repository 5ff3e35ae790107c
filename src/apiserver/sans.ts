import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import type { Sans } from './tls/pki.js';

/** The in-cluster names of the API server (the `kubernetes` Service in `default`). */
const IN_CLUSTER_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9*]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Every name the serving certificate must cover: localhost, loopback addresses, the host
 * name, in-cluster names, the first service IP, the bind address (when specific), the
 * advertise address and each `--tls-san` (IP or DNS name).
 */
export function servingSans(opts: {
  bindAddress?: string;
  advertiseAddress?: string;
  tlsSans?: readonly string[];
  serviceIp?: string;
  host?: string;
  /** This machine's addresses (default: from os.networkInterfaces()). */
  interfaceAddresses?: readonly string[];
}): Sans {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const host = (opts.host ?? hostname()).toLowerCase();
  if (DNS_NAME.test(host)) dns.add(host);
  for (const n of IN_CLUSTER_NAMES) dns.add(n);
  if (opts.serviceIp) ips.add(opts.serviceIp);
  // A wildcard bind serves every address this machine has: other machines (joining
  // agents) reach it at one of them, so each must be in the certificate.
  const wildcard = !opts.bindAddress || opts.bindAddress === '0.0.0.0' || opts.bindAddress === '::';
  const local = wildcard ? (opts.interfaceAddresses ?? machineAddresses()) : [];
  const extra = [opts.bindAddress, opts.advertiseAddress, ...local, ...(opts.tlsSans ?? [])];
  for (const e of extra) {
    if (!e) continue;
    if (isIP(e)) {
      if (e !== '0.0.0.0' && e !== '::') ips.add(e);
    } else dns.add(e.toLowerCase());
  }
  return { dns: [...dns], ips: [...ips] };
}

/** Every non-link-local address on this machine's interfaces. */
function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.address.startsWith('fe80:') && !a.address.startsWith('169.254.'))
    .map((a) => (a as { address: string }).address);
}
