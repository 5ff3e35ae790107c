import { isIPv4 } from 'node:net';
import type { Service } from '../../api/core/v1/service.js';
import { serviceNameLabel, type EndpointSlice } from '../../api/discovery/v1/endpoint-slice.js';
import { affinityTimeoutMs, backendsFor, backendsForPolicy, usableBackends, type Backend } from '../endpoints.js';

/**
 * The desired content of skiff's nftables table (`ip skiff`), computed from Services and
 * EndpointSlices alone — pure, so it is table-tested. The layout follows kube-proxy's
 * nftables mode:
 *
 * - nat base chains on prerouting (traffic from pods and other machines) and output
 *   (this machine's own processes) jump to `services`, which looks up
 *   `daddr . l4proto . dport` (ClusterIPs, external and load-balancer IPs) and then
 *   `l4proto . dport` on the node's own addresses (NodePorts, load-balancer ports);
 * - `svc-…` picks an endpoint with `numgen random mod N` (equal weights), after the
 *   ClientIP affinity sets; `ext-…` (traffic from outside) marks for masquerade first;
 * - `ep-…` masquerades hairpin traffic (an endpoint reaching itself), records affinity and DNATs;
 * - a Service port without usable endpoints is rejected (TCP reset, else ICMP port
 *   unreachable: "connection refused" either way) by filter chains that run before DNAT;
 * - postrouting masquerades what was marked;
 * - `externalTrafficPolicy: Local`: `ext-…` picks among this node's endpoints and keeps the
 *   client's address (no masquerade), dropping the traffic when there are none here;
 *   `internalTrafficPolicy: Local` narrows `svc-…` to this node's endpoints likewise.
 *
 * IPv4 only (the table is `ip`); IPv6 ClusterIPs and endpoints are left out.
 */

export const TABLE = 'skiff';
/** The packet-mark bit meaning "masquerade me" (the bit kube-proxy uses). */
export const MASQ_MARK = '0x4000';

export interface RenderInput {
  services: readonly Service[];
  slices: readonly EndpointSlice[];
  /** NodePorts and load-balancer ports answer on this address only; default (and for a 127/8 address) every local address outside 127/8. */
  nodeAddress?: string;
  /** Services the node serves by other means (e.g. the cluster DNS IP): no rules at all. */
  skipService?: (svc: Service) => boolean;
  /** This node's name, for the Local traffic policies; unset, they act as Cluster. */
  nodeName?: string;
}

export interface Ruleset {
  /** Set name → its declaration lines (affinity sets). */
  sets: Map<string, string[]>;
  /** Chain name → its lines; a base chain's first line is its hook. */
  chains: Map<string, string[]>;
}

/** One service port as the rules see it: where it is reached and where it goes. */
interface PortPlan {
  base: string;
  proto: 'tcp' | 'udp';
  /** `ip . proto . port` keys that enter through svc- (ClusterIPs). */
  internal: string[];
  /** `ip . proto . port` keys that enter through ext- (external and load-balancer IPs, node address). */
  external: string[];
  /** `proto . port` keys on any local address (NodePorts, load-balancer ports without a node address). */
  local: string[];
  /** Where svc- (internal traffic) goes. */
  endpoints: Backend[];
  /** Where ext- (external traffic) goes: the same, or this node's only with externalTrafficPolicy Local. */
  externalEndpoints: Backend[];
  /** externalTrafficPolicy Local: keep the client's source address. */
  externalLocal: boolean;
  affinitySeconds?: number;
}

const svcChain = (base: string) => `svc-${base}`;
const extChain = (base: string) => `ext-${base}`;
const epSuffix = (base: string, b: Backend) => `${base}__${b.ip}/${b.port}`;
const epChain = (base: string, b: Backend) => `ep-${epSuffix(base, b)}`;
const affinitySet = (base: string, b: Backend) => `aff-${epSuffix(base, b)}`;

function plans(input: RenderInput): PortPlan[] {
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const s of input.slices) {
    const name = s.metadata?.labels?.[serviceNameLabel];
    if (!name || s.addressType === 'IPv6') continue;
    const key = `${s.metadata?.namespace ?? ''}/${name}`;
    (bySvc.get(key) ?? bySvc.set(key, []).get(key)!).push(s);
  }
  // DNAT from 127/8 to a pod would need route_localnet (kube-proxy's nftables mode refuses it too): a loopback node address means "every address".
  const nodeAddress = input.nodeAddress && input.nodeAddress !== '0.0.0.0' && isIPv4(input.nodeAddress) && !input.nodeAddress.startsWith('127.') ? input.nodeAddress : undefined;
  const key = (svc: Service) => `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
  const services = [...input.services].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  // A key is served once, by the first Service that claims it (as the userspace proxy binds once).
  const taken = new Set<string>();
  const claim = (list: string[], k: string) => {
    if (taken.has(k)) return;
    taken.add(k);
    list.push(k);
  };
  const out: PortPlan[] = [];
  for (const svc of services) {
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName' || input.skipService?.(svc)) continue;
    const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => isIPv4(ip));
    const lb = spec.type === 'LoadBalancer' && !spec.loadBalancerClass;
    const lbIPs = lb ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => isIPv4(ip)) : [];
    const externalIPs = [...(spec.externalIPs ?? []), ...lbIPs].filter((ip) => isIPv4(ip));
    for (const p of spec.ports ?? []) {
      const proto = p.protocol === 'UDP' ? 'udp' : p.protocol === 'SCTP' ? undefined : 'tcp';
      if (!proto || p.port === undefined) continue;
      const all = backendsFor(p, bySvc.get(key(svc)) ?? []).filter((b) => isIPv4(b.ip));
      const externalLocal = spec.externalTrafficPolicy === 'Local' && input.nodeName !== undefined;
      const plan: PortPlan = {
        base: `${key(svc)}/${proto}/${p.name || p.port}`,
        proto,
        internal: [],
        external: [],
        local: [],
        endpoints: usableBackends(backendsForPolicy(svc, all, 'internal', input.nodeName)),
        externalEndpoints: usableBackends(backendsForPolicy(svc, all, 'external', input.nodeName)),
        externalLocal,
      };
      const affinity = affinityTimeoutMs(svc);
      if (affinity !== undefined) plan.affinitySeconds = Math.round(affinity / 1000);
      for (const ip of clusterIPs) claim(plan.internal, `${ip} . ${proto} . ${p.port}`);
      for (const ip of externalIPs) claim(plan.external, `${ip} . ${proto} . ${p.port}`);
      const nodePorts = [
        ...((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort ? [p.nodePort] : []),
        // The load-balancer port on the node itself, as k3s' ServiceLB (and the userspace proxy) serve it.
        ...(lb ? [p.port] : []),
      ];
      for (const port of nodePorts) {
        if (nodeAddress) claim(plan.external, `${nodeAddress} . ${proto} . ${port}`);
        else claim(plan.local, `${proto} . ${port}`);
      }
      out.push(plan);
    }
  }
  return out;
}

const vmap = (match: string, entries: string[]) => `${match} vmap { ${entries.join(', ')} }`;
const LOCAL_MATCH = 'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport';
const ADDR_MATCH = 'ip daddr . meta l4proto . th dport';

/** The whole desired ruleset: deterministic (services by namespace/name, ports in spec order, endpoints by address). */
export function renderRuleset(input: RenderInput): Ruleset {
  const sets = new Map<string, string[]>();
  const chains = new Map<string, string[]>();
  chains.set('nat-prerouting', ['type nat hook prerouting priority dstnat; policy accept;', 'jump services']);
  chains.set('nat-output', ['type nat hook output priority -100; policy accept;', 'jump services']);
  chains.set('nat-postrouting', ['type nat hook postrouting priority srcnat; policy accept;', 'jump masquerading']);
  // Before DNAT (-100), so a Service port without endpoints is refused rather than left to time out.
  chains.set('filter-input', ['type filter hook input priority -110; policy accept;', 'ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check']);
  chains.set('filter-forward', ['type filter hook forward priority -110; policy accept;', 'ct state new jump service-endpoints-check']);
  chains.set('filter-output', ['type filter hook output priority -110; policy accept;', 'ct state new jump service-endpoints-check']);
  chains.set('mark-for-masquerade', [`meta mark set meta mark | ${MASQ_MARK}`]);
  chains.set('masquerading', [`meta mark & ${MASQ_MARK} == 0 return`, `meta mark set meta mark ^ ${MASQ_MARK}`, 'masquerade fully-random']);
  // A TCP reset, not only ICMP: a host's own connection from a 127/8 source gets no ICMP error back.
  chains.set('reject-chain', ['meta l4proto tcp reject with tcp reset', 'reject']);

  const byAddr: string[] = [];
  const byLocal: string[] = [];
  const rejectAddr: string[] = [];
  const rejectLocal: string[] = [];
  const perService = new Map<string, string[]>();
  for (const plan of plans(input)) {
    const entries = plan.internal.length + plan.external.length + plan.local.length;
    if (entries === 0) continue;
    const svc = svcChain(plan.base);
    const ext = extChain(plan.base);
    // No endpoint at all: refused. With endpoints only elsewhere (a Local policy): see the chains below.
    const none = plan.endpoints.length === 0 && plan.externalEndpoints.length === 0;
    for (const k of plan.internal) (none || plan.endpoints.length === 0 ? rejectAddr : byAddr).push(`${k} : goto ${none || plan.endpoints.length === 0 ? 'reject-chain' : svc}`);
    for (const k of plan.external) (none ? rejectAddr : byAddr).push(`${k} : goto ${none ? 'reject-chain' : ext}`);
    for (const k of plan.local) (none ? rejectLocal : byLocal).push(`${k} : goto ${none ? 'reject-chain' : ext}`);
    if (none) continue;

    /** Affinity lookups, then a random pick among `backends`. */
    const pick = (backends: Backend[]): string[] => {
      const rules: string[] = [];
      if (plan.affinitySeconds !== undefined) {
        for (const b of backends) {
          sets.set(affinitySet(plan.base, b), ['type ipv4_addr', 'flags dynamic,timeout', `timeout ${plan.affinitySeconds}s`]);
          rules.push(`ip saddr @${affinitySet(plan.base, b)} goto ${epChain(plan.base, b)}`);
        }
      }
      const eps = backends.map((b) => epChain(plan.base, b));
      rules.push(eps.length === 1 ? `goto ${eps[0]}` : vmap(`numgen random mod ${eps.length}`, eps.map((c, i) => `${i} : goto ${c}`)));
      return rules;
    };
    if (plan.endpoints.length > 0) perService.set(svc, pick(plan.endpoints));
    if (plan.external.length + plan.local.length > 0) {
      const sameAsInternal = plan.endpoints.map((b) => epChain(plan.base, b)).join() === plan.externalEndpoints.map((b) => epChain(plan.base, b)).join();
      if (plan.externalEndpoints.length === 0) perService.set(ext, ['drop']);
      else if (plan.externalLocal) perService.set(ext, pick(plan.externalEndpoints));
      else perService.set(ext, ['jump mark-for-masquerade', ...(sameAsInternal ? [`goto ${svc}`] : pick(plan.externalEndpoints))]);
    }
    const chained = new Map<string, Backend>();
    for (const b of [...plan.endpoints, ...plan.externalEndpoints]) chained.set(epChain(plan.base, b), b);
    for (const b of chained.values()) {
      perService.set(epChain(plan.base, b), [
        `ip saddr ${b.ip} jump mark-for-masquerade`,
        ...(plan.affinitySeconds !== undefined ? [`update @${affinitySet(plan.base, b)} { ip saddr }`] : []),
        `meta l4proto ${plan.proto} dnat to ${b.ip}:${b.port}`,
      ]);
    }
  }
  chains.set('services', [...(byAddr.length ? [vmap(ADDR_MATCH, byAddr)] : []), ...(byLocal.length ? [vmap(LOCAL_MATCH, byLocal)] : [])]);
  chains.set('service-endpoints-check', rejectAddr.length ? [vmap(ADDR_MATCH, rejectAddr)] : []);
  chains.set('nodeport-endpoints-check', rejectLocal.length ? [vmap(LOCAL_MATCH, rejectLocal)] : []);
  for (const [name, rules] of perService) chains.set(name, rules);
  return { sets, chains };
}
