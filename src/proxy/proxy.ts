import { ServiceKind, type Service } from '../api/core/v1/service.js';
import { EndpointSliceKind, serviceNameLabel, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { jsonLogger, type Logger } from '../client/logger.js';
import type { RestClient } from '../client/rest-client.js';
import { DummyInterface } from './dummy-interface.js';
import { affinityTimeoutMs, backendsFor, backendsForPolicy } from './endpoints.js';
import { loadBalancerStatusWriter } from './lb-status.js';
import { syncLoop } from './sync-loop.js';
import { listenTcp, listenUdp, type ListenerTarget, type PortListener } from './listeners.js';
import { nodeAddresses } from './node-addresses.js';

export interface ProxyConfig {
  client: RestClient;
  /** Shared informers (the caller starts them); default: the proxy's own, started and stopped with it. */
  informers?: SharedInformerFactory;
  /** Where NodePorts and load-balancer ports listen, and the ingress IP written for LoadBalancer Services; default all the node's addresses, each bound by itself (no ingress written). */
  nodeAddress?: string;
  /**
   * Maps a ClusterIP to the local address to bind instead (e.g. 10.43.0.7 → 127.43.0.7 when
   * the service CIDR is not loopback and there is no root). Return undefined to bind the ClusterIP itself.
   */
  bindAddressMapping?: (clusterIP: string) => string | undefined;
  /** The ingress IP written for LoadBalancer Services; default nodeAddress; none when '' or a wildcard (several nodes writing theirs would flap). */
  loadBalancerIP?: string;
  /**
   * Services this node serves by other means, left alone: e.g. the cluster DNS Service,
   * whose ClusterIP:53 the node's DNS server binds itself (it has no endpoints to forward to).
   */
  skipService?: (svc: Service) => boolean;
  /**
   * This node's name: endpoints on it are the local ones that `internalTrafficPolicy` /
   * `externalTrafficPolicy: Local` keep to. Unset, both policies act as Cluster.
   */
  nodeName?: string;
  log?: Logger;
  /** Delay that coalesces bursts of events into one sync; default 20 ms. */
  syncDelayMs?: number;
}

export interface Proxy {
  /** Resolves after every listener is closed and any ClusterIP added to the dummy interface is removed. */
  stop(): Promise<void>;
  /** Resolves once the first sync after the caches synced is done (tests). */
  ready(): Promise<void>;
  /** Currently bound listeners as `tcp|addr|port` keys (tests, debugging). */
  listening(): string[];
}

interface Desired {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  target: ListenerTarget;
  /** A ClusterIP that must be put on the dummy interface before binding. */
  needsInterface: boolean;
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';
const RETRY_MS = 1000;

/**
 * The userspace service proxy: every Service ClusterIP:port (and NodePort, and the
 * load-balancer port on the node, as k3s ServiceLB does) is a Node.js listener that
 * balances connections round-robin over the ready endpoints from the EndpointSlices.
 * Level-triggered: each sync recomputes the desired listeners from the caches and
 * opens/closes/retargets the actual ones; a failed bind is retried a second later.
 */
export async function startProxy(config: ProxyConfig): Promise<Proxy> {
  const log = config.log ?? jsonLogger('proxy');
  const ownFactory = !config.informers;
  const factory = config.informers ?? new SharedInformerFactory({ client: config.client, logger: log });
  const services = factory.informerFor<Service>(ServiceKind);
  const slices = factory.informerFor<EndpointSlice>(EndpointSliceKind);
  const isRoot = process.getuid?.() === 0;
  const dummy = new DummyInterface();
  const listeners = new Map<string, PortListener>();
  const ifaceAddrs = new Set<string>();
  // Listeners refused for lack of privilege (a port below 1024 without root): retrying cannot help.
  const denied = new Set<string>();
  let warnedNoRoot = false;

  function desired(): Map<string, Desired> {
    const bySvc = new Map<string, EndpointSlice[]>();
    for (const s of slices.list()) {
      const name = s.metadata?.labels?.[serviceNameLabel];
      if (!name) continue;
      const key = `${s.metadata?.namespace ?? ''}/${name}`;
      (bySvc.get(key) ?? bySvc.set(key, []).get(key)!).push(s);
    }
    const out = new Map<string, Desired>();
    const add = (d: Desired) => {
      const key = `${d.proto}|${d.address}|${d.port}`;
      if (!out.has(key)) out.set(key, d);
    };
    // All addresses: each one bound by itself, so the ClusterIPs keep their ports (node-addresses.ts).
    const nodeAddrs = config.nodeAddress ? [config.nodeAddress] : nodeAddresses();
    for (const svc of services.list()) {
      const spec = svc.spec ?? {};
      if (spec.type === 'ExternalName' || config.skipService?.(svc)) continue;
      const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
      const svcSlices = bySvc.get(key) ?? [];
      const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip && ip !== 'None');
      for (const p of spec.ports ?? []) {
        if (p.port === undefined) continue;
        const port = p.port;
        const proto = p.protocol === 'UDP' ? 'udp' : p.protocol === 'SCTP' ? undefined : 'tcp';
        if (!proto) continue;
        const all = backendsFor(p, svcSlices);
        const affinity = affinityTimeoutMs(svc);
        const target: ListenerTarget = { backends: backendsForPolicy(svc, all, 'internal', config.nodeName), affinityTimeoutMs: affinity };
        const external: ListenerTarget = { backends: backendsForPolicy(svc, all, 'external', config.nodeName), affinityTimeoutMs: affinity };
        for (const ip of clusterIPs) {
          const mapped = config.bindAddressMapping?.(ip);
          add({ proto, address: mapped ?? ip, port, target, needsInterface: mapped === undefined && !isLoopback(ip) });
        }
        for (const address of nodeAddrs) {
          if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort) add({ proto, address, port: p.nodePort, target: external, needsInterface: false });
          if (spec.type === 'LoadBalancer' && !spec.loadBalancerClass) add({ proto, address, port, target: external, needsInterface: false });
        }
      }
    }
    return out;
  }

  const writeLoadBalancerStatus = loadBalancerStatusWriter({ client: config.client, ip: config.loadBalancerIP ?? config.nodeAddress, log });

  async function syncOnce(): Promise<boolean> {
    const want = desired();
    let failed = false;
    for (const [key, l] of [...listeners]) {
      if (want.has(key)) continue;
      listeners.delete(key);
      await l.close({ drain: true });
    }
    const wantIface = new Set<string>();
    for (const [key, d] of want) {
      if (d.needsInterface) wantIface.add(d.address);
      const existing = listeners.get(key);
      if (existing) {
        existing.setTarget(d.target);
        continue;
      }
      if (denied.has(key)) continue;
      if (d.needsInterface) {
        if (!isRoot) {
          if (!warnedNoRoot) log.warn('ClusterIPs outside 127.0.0.0/8 need root (dummy interface) or bindAddressMapping; not serving them', { address: d.address });
          warnedNoRoot = true;
          continue;
        }
        try {
          await dummy.add(d.address);
          ifaceAddrs.add(d.address);
        } catch (err) {
          log.warn('adding ClusterIP to the dummy interface failed', { address: d.address, error: String(err) });
          failed = true;
          continue;
        }
      }
      try {
        const l = await (d.proto === 'tcp' ? listenTcp : listenUdp)({ address: d.address, port: d.port, target: d.target, log });
        if (loop.stopped()) {
          await l.close({ drain: false });
          return false;
        }
        listeners.set(key, l);
      } catch (err) {
        log.warn('listen failed', { listener: key, error: String(err) });
        if ((err as NodeJS.ErrnoException).code === 'EACCES') denied.add(key);
        else failed = true;
      }
    }
    for (const a of [...ifaceAddrs]) {
      if (wantIface.has(a)) continue;
      ifaceAddrs.delete(a);
      await dummy.remove(a);
    }
    await writeLoadBalancerStatus(services.list());
    return failed;
  }

  const loop = syncLoop({ sync: syncOnce, delayMs: config.syncDelayMs ?? 20, retryMs: RETRY_MS, log });
  const schedule = loop.schedule;

  const handler = { onAdd: () => schedule(), onUpdate: () => schedule(), onDelete: () => schedule() };
  const unsubscribe = [services.addEventHandler(handler), slices.addEventHandler(handler)];
  if (ownFactory) factory.start();
  void Promise.all([services.waitForSync(), slices.waitForSync()]).then(() => schedule(0));

  return {
    ready: () => loop.firstSync(),
    listening: () => [...listeners.keys()].sort(),
    async stop() {
      for (const u of unsubscribe) u();
      await loop.stop();
      for (const l of listeners.values()) await l.close({ drain: false });
      listeners.clear();
      await dummy.destroy();
      if (ownFactory) await factory.stop();
    },
  };
}
