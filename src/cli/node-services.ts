import { readFileSync } from 'node:fs';
import { isIP, isIPv4 } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import type { Service } from '../api/core/v1/service.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../client/logger.js';
import { parsePort } from './flag-parsers.js';
import { DEFAULT_INGRESS_HTTPS_PORT, DEFAULT_INGRESS_PORT, UNPRIVILEGED_INGRESS_HTTPS_PORT, UNPRIVILEGED_INGRESS_PORT } from './node-ingress.js';
import type { NetworkPolicySetting } from '../netpol/node.js';

/**
 * What every node runs beside its kubelet: the service proxy, the cluster DNS, the ingress
 * controller and network policy enforcement, as k3s runs kube-proxy, CoreDNS, Traefik and
 * its network policy controller. Shared by `skiff up` and `skiff agent`.
 */

export type ProxyMode = 'userspace' | 'nftables' | 'none';
/** Where names outside the cluster domain go: an address, none (REFUSED), or undefined for /etc/resolv.conf's first nameserver. */
export type DnsUpstream = { address: string; port: number } | 'none' | undefined;

export interface NodeServicesFlags {
  proxyMode: ProxyMode;
  clusterDns: string;
  clusterDomain: string;
  dnsUpstream?: DnsUpstream;
  ingressPort?: number;
  ingressHttpsPort?: number;
  /** `--disable-network-policy`. */
  disableNetworkPolicy?: boolean;
}

/** `--proxy-mode`: nftables (alias kernel) is kube-proxy's kernel mode; its iptables and ipvs modes are names we know but do not have. */
export function parseProxyMode(v: string): ProxyMode {
  return proxyModeFor(v, process.getuid?.() === 0);
}

/** parseProxyMode for a given privilege: nftables is refused up front without root, before anything starts. */
export function proxyModeFor(v: string, isRoot: boolean): ProxyMode {
  if (v === 'userspace' || v === 'none') return v;
  if (v === 'nftables' || v === 'kernel') {
    if (!isRoot) throw new InvalidArgumentError(`${v} mode writes nftables rules and needs root; run as root or use userspace.`);
    return 'nftables';
  }
  if (v === 'iptables' || v === 'ipvs') throw new InvalidArgumentError(`kernel-mode service rules (${v}) are not available yet; use nftables or userspace.`);
  throw new InvalidArgumentError('must be userspace, nftables (alias kernel) or none.');
}

/** `--dns-upstream ADDR[:PORT]|none` (an IPv6 address with a port as [ADDR]:PORT). */
export function parseDnsUpstream(v: string): DnsUpstream {
  if (v === 'none') return v; // not null: commander turns a null parse into a flag value
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(v) ?? /^([^:]+)(?::(\d+))?$/.exec(v) ?? [v, v, undefined];
  const address = m[1] ?? '';
  const port = m[2] === undefined ? 53 : Number(m[2]);
  if (!isIP(address) || port < 1 || port > 65535) throw new InvalidArgumentError('must be none or an IP address with an optional :PORT.');
  return { address, port };
}

function parseIp4(v: string): string {
  if (!isIPv4(v)) throw new InvalidArgumentError('must be an IPv4 address.');
  return v;
}

/** Adds the proxy, DNS and ingress flags; with `agent` also --cluster-dns, --disable-dns and --disable-ingress (skiff up has its own and --disable dns,ingress). */
export function addNodeServiceOptions(cmd: Command, o: { agent: boolean }): Command {
  cmd.option(
    '--proxy-mode <mode>',
    'service proxy: userspace (Node.js listeners on ClusterIPs, NodePorts, LoadBalancer ports), nftables (alias kernel: DNAT rules in the nftables table ip skiff; root) or none',
    parseProxyMode,
    'userspace',
  );
  if (o.agent) {
    cmd.option('--cluster-dns <ip>', 'cluster DNS IP this node serves DNS on (port 53)', parseIp4, '10.43.0.10');
    cmd.option('--disable-dns', 'do not run the cluster DNS on this node');
    cmd.option('--disable-ingress', 'do not run the ingress controller on this node');
  }
  return cmd
    .option('--ingress-port <port>', `HTTP port of the built-in ingress controller (default ${DEFAULT_INGRESS_PORT}, or ${UNPRIVILEGED_INGRESS_PORT} without root; 0 picks a free port)`, parsePort)
    .option('--ingress-https-port <port>', `its HTTPS port (default ${DEFAULT_INGRESS_HTTPS_PORT}, or ${UNPRIVILEGED_INGRESS_HTTPS_PORT} without root; 0 picks a free port)`, parsePort)
    .option('--disable-network-policy', 'do not enforce NetworkPolicies on this node (enforced by default when pods have network namespaces of their own on the node bridge, as root: nftables table inet skiff-netpol-<bridge>, or skiff-netpol-<node name> with --runtime cri)')
    .option('--cluster-domain <domain>', 'cluster DNS domain', 'cluster.local')
    .option('--dns-upstream <addr[:port]|none>', 'where the cluster DNS forwards other names (default: the first nameserver in /etc/resolv.conf)', parseDnsUpstream);
}

/** The first nameserver in resolv.conf, unless it is `self` (the cluster DNS itself). */
export function resolvConfUpstream(self: readonly string[], path = '/etc/resolv.conf'): { address: string; port: number } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const ns = /^\s*nameserver\s+(\S+)/m.exec(text)?.[1]?.replace(/%.*$/, '');
  if (!ns || !isIP(ns) || self.includes(ns)) return null;
  return { address: ns, port: 53 };
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';

/**
 * Without root a ClusterIP outside 127/8 cannot be bound: a.b.c.d is served on 127.b.c.d
 * instead (10.43.0.10 → 127.43.0.10). Pods keep 127.1.x.y, so only a service range whose
 * second octet is 1 would collide. With root the proxy puts ClusterIPs on a dummy interface.
 */
export function loopbackMapping(ip: string): string | undefined {
  if (isLoopback(ip) || !isIPv4(ip)) return undefined;
  return `127.${ip.split('.').slice(1).join('.')}`;
}

/** The ingress controller's ports as --ingress-port / --ingress-https-port give them (absent: the defaults). */
export function ingressPorts(o: Pick<NodeServicesFlags, 'ingressPort' | 'ingressHttpsPort'>): { port?: number; httpsPort?: number } {
  return { ...(o.ingressPort !== undefined ? { port: o.ingressPort } : {}), ...(o.ingressHttpsPort !== undefined ? { httpsPort: o.ingressHttpsPort } : {}) };
}

/**
 * `skiff agent`'s proxy, DNS and ingress (its flags as parsed), progress on stdout. The
 * agent does not write LoadBalancer or Ingress ingress IPs: with several nodes writing
 * their own they would flap (the `skiff up` node writes them).
 */
export function startAgentNodeServices(client: RestClient, o: NodeServicesFlags & { disableDns?: boolean; disableIngress?: boolean; nodeIp?: string; nodeName: string }, networkPolicy: NetworkPolicySetting): Promise<NodeServices> {
  return startNodeServices({
    client,
    nodeName: o.nodeName,
    proxyMode: o.proxyMode,
    clusterDns: o.clusterDns,
    clusterDomain: o.clusterDomain,
    dnsUpstream: o.dnsUpstream,
    dns: !o.disableDns,
    ...(o.disableIngress ? {} : { ingress: ingressPorts(o) }),
    ...(o.nodeIp ? { nodeAddress: o.nodeIp } : {}),
    loadBalancerIP: '',
    networkPolicy,
    progress: (line) => process.stdout.write(`${line}\n`),
  });
}

export interface NodeServicesConfig extends NodeServicesFlags {
  client: RestClient;
  /** This node: its endpoints are the local ones of `internal/externalTrafficPolicy: Local`. */
  nodeName: string;
  /** Run the cluster DNS (false: --disable dns / --disable-dns). */
  dns: boolean;
  /** Where NodePorts and LoadBalancer ports listen; default all addresses. */
  nodeAddress?: string;
  /** Ingress IP written to LoadBalancer Services; default nodeAddress; '' for none. */
  loadBalancerIP?: string;
  /** Run the built-in ingress controller (absent: not run); ports as --ingress-port / --ingress-https-port. */
  ingress?: { port?: number; httpsPort?: number };
  /** Enforce NetworkPolicies for this node's pods, or why not (absent: not enforced, nothing said). */
  networkPolicy?: NetworkPolicySetting;
  /** Lines for the CLI to show (what runs where). */
  progress?: (line: string) => void;
  log?: (component: 'proxy' | 'dns' | 'ingress' | 'netpol') => Logger;
}

export interface NodeServices {
  /** Where the cluster DNS answers, when it runs. */
  dnsAddress?: { address: string; port: number };
  /** Where the ingress controller listens, when it runs. */
  ingressAddress?: { address: string; port: number };
  /** Stops policy enforcement (removing its table), ingress, DNS and proxy, and removes any address they put on the dummy interface. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the proxy, the DNS and the ingress controller on one shared informer factory;
 * resolves once they serve.
 * DNS binds the cluster DNS IP itself on port 53: a loopback IP as is, another one on the
 * dummy interface with root, or its loopback mapping without root. Port 53 needs root (or
 * a lowered net.ipv4.ip_unprivileged_port_start); without it DNS falls back to port 1053.
 * A DNS that cannot bind at all is reported and skipped: the rest of the node still runs.
 */
export async function startNodeServices(config: NodeServicesConfig): Promise<NodeServices> {
  const [{ SharedInformerFactory }, { jsonLogger }, { DummyInterface }] = await Promise.all([
    import('../client/informer-factory.js'),
    import('../client/logger.js'),
    import('../proxy/dummy-interface.js'),
  ]);
  const log = config.log ?? jsonLogger;
  const progress = config.progress ?? (() => {});
  const isRoot = process.getuid?.() === 0;
  const mapping = isRoot ? undefined : loopbackMapping;
  const informers = new SharedInformerFactory({ client: config.client, logger: log('proxy') });
  const stops: Array<() => Promise<void>> = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const s of stops.reverse()) await s().catch(() => {});
      await informers.stop();
    })());

  if (config.proxyMode === 'nftables' && !isRoot) throw new Error('the nftables proxy needs root (it writes nftables rules)');
  try {
    let dnsAddress: { address: string; port: number } | undefined;
    if (config.dns) {
      const ip = config.clusterDns;
      const bind = mapping?.(ip) ?? ip;
      const dummy = new DummyInterface();
      if (!isLoopback(bind) && isRoot) {
        await dummy.add(bind).catch((err: unknown) => progress(`cluster DNS: cannot put ${bind} on ${dummy.name} (${String(err)})`));
      }
      stops.push(() => dummy.destroy());
      const upstream = config.dnsUpstream === 'none' ? null : (config.dnsUpstream ?? resolvConfUpstream([ip, bind]));
      const { startDns } = await import('../dns/dns.js');
      for (const port of [53, 1053]) {
        try {
          const d = await startDns({ client: config.client, informers, listen: { address: bind, port }, clusterDomain: config.clusterDomain, upstream, log: log('dns') });
          stops.push(() => d.stop());
          dnsAddress = { address: bind, port: d.port };
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EACCES' && port === 53) continue;
          progress(`cluster DNS not started: cannot listen on ${bind}:${port} (${code ?? String(err)})`);
          break;
        }
      }
      if (dnsAddress) {
        const why = dnsAddress.port !== 53 ? ' (port 53 needs root)' : dnsAddress.address !== ip ? ` (${ip} mapped to loopback: no root)` : '';
        progress(`cluster DNS on ${dnsAddress.address}:${dnsAddress.port}${why}, domain ${config.clusterDomain}, upstream ${upstream ? `${upstream.address}:${upstream.port}` : 'none'}`);
      }
    }
    let ingressAddress: { address: string; port: number } | undefined;
    if (config.ingress) {
      const { startNodeIngress } = await import('./node-ingress.js');
      const address = config.nodeAddress ?? '0.0.0.0';
      const ingress = await startNodeIngress({
        client: config.client,
        informers,
        address,
        ...(config.ingress.port !== undefined ? { port: config.ingress.port } : {}),
        ...(config.ingress.httpsPort !== undefined ? { httpsPort: config.ingress.httpsPort } : {}),
        ingressIP: config.loadBalancerIP ?? config.nodeAddress ?? '',
        progress,
        log: log('ingress'),
      });
      if (ingress) {
        stops.push(() => ingress.stop());
        ingressAddress = { address, port: ingress.port };
      }
    }
    let netpol: { ready(): Promise<void>; stop(): Promise<void> } | undefined;
    if (config.networkPolicy) {
      const { startNodeNetworkPolicy } = await import('../netpol/node.js');
      netpol = startNodeNetworkPolicy({ setting: config.networkPolicy, informers, nodeName: config.nodeName, progress, log: log('netpol') });
      const c = netpol;
      if (c) stops.push(() => c.stop());
    }
    if (config.proxyMode === 'userspace') {
      const { startProxy } = await import('../proxy/proxy.js');
      const dnsIp = config.clusterDns;
      const proxy = await startProxy({
        client: config.client,
        informers,
        nodeName: config.nodeName,
        ...(config.nodeAddress ? { nodeAddress: config.nodeAddress } : {}),
        ...(config.loadBalancerIP !== undefined ? { loadBalancerIP: config.loadBalancerIP } : {}),
        ...(mapping ? { bindAddressMapping: mapping } : {}),
        // The DNS above holds the cluster DNS IP's port 53; the kube-dns Service has no endpoints to proxy to.
        ...(dnsAddress ? { skipService: (svc: Service) => svc.spec?.clusterIP === dnsIp } : {}),
        log: log('proxy'),
      });
      stops.push(() => proxy.stop());
      informers.start();
      await proxy.ready();
      const where = config.nodeAddress ?? 'all addresses';
      progress(`service proxy (userspace): ClusterIPs${mapping ? ' outside 127/8 on 127.x loopback addresses (no root)' : isRoot ? ' (outside 127/8 as local /32 addresses on the dummy interface skiff0, or on lo without dummy links)' : ''}; NodePorts and LoadBalancer ports on ${where}`);
    } else if (config.proxyMode === 'nftables') {
      const { startKernelProxy } = await import('../proxy/nftables/kernel-proxy.js');
      const dnsIp = config.clusterDns;
      const proxy = await startKernelProxy({
        client: config.client,
        informers,
        nodeName: config.nodeName,
        ...(config.nodeAddress ? { nodeAddress: config.nodeAddress } : {}),
        ...(config.loadBalancerIP !== undefined ? { loadBalancerIP: config.loadBalancerIP } : {}),
        // The DNS above answers on the cluster DNS IP itself: no DNAT, and no reject for its endpoint-less Service.
        ...(dnsAddress ? { skipService: (svc: Service) => svc.spec?.clusterIP === dnsIp } : {}),
        log: log('proxy'),
      });
      stops.push(() => proxy.stop());
      informers.start();
      await proxy.ready();
      progress(`service proxy (nftables): DNAT rules in table ip skiff; ClusterIPs need a route (the default route does); NodePorts and LoadBalancer ports on ${config.nodeAddress && !isLoopback(config.nodeAddress) ? config.nodeAddress : 'every local address outside 127/8'}`);
    } else {
      informers.start();
      progress('service proxy: none (--proxy-mode none)');
    }
    // The informers are started by now (each proxy branch starts them).
    await netpol?.ready();
    return { ...(dnsAddress ? { dnsAddress } : {}), ...(ingressAddress ? { ingressAddress } : {}), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
