import type { Namespace } from '../api/core/v1/namespace.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../api/networking/v1/network-policy.js';
import { blockContains, namedPort, namespaceLabels, podViews, policySelects, policyTypes, protoOf, resolvePeer, type PeerTarget, type PodView, type Proto } from './select.js';

/**
 * The rule compiler: NetworkPolicies, Pods and Namespaces in, the node's nftables table
 * out. Pure (no I/O, no clock), so every semantic is table-tested.
 *
 * Layout of `table inet <name>`:
 * - base chain `forward` (pod↔pod on this node, bridged frames through br_netfilter, and
 *   routed traffic to and from other machines) and `input` (pods → this node's own
 *   addresses, e.g. the cluster DNS or a userspace-proxied ClusterIP); both accept replies
 *   first (`ct state established,related`), so only a connection's first packet is judged;
 * - a local pod isolated for egress gets `egr-<ip>`, reached by `ip saddr vmap`: each
 *   allowed destination `return`s (the ingress check of the destination still follows),
 *   anything else is dropped;
 * - a local pod isolated for ingress gets `ing-<ip>`, reached by `ip daddr vmap` in
 *   `forward` only: traffic from the node itself (kubelet probes) leaves through `output`
 *   and is never judged, as upstream CNIs allow it;
 * - a pod no policy selects for a direction is not in that direction's map: all allowed.
 * Each node enforces for its own pods, in both directions; peers are resolved against
 * every pod of the cluster, so cross-node traffic is judged once at each end.
 */

export interface CompileInput {
  policies: readonly NetworkPolicy[];
  pods: readonly Pod[];
  namespaces: readonly Namespace[];
  /** This node: only its pods get chains. */
  nodeName: string;
}

export interface CompiledRuleset {
  /** Chain name → lines; a base chain's first line is its hook declaration. Insertion order is output order. */
  chains: Map<string, string[]>;
  /** Local pods isolated per direction (for the log). */
  isolated: { ingress: number; egress: number };
}

type Dir = 'ingress' | 'egress';

const chainName = (dir: Dir, pod: PodView): string => `${dir === 'ingress' ? 'ing' : 'egr'}-${(pod.ips[0] as string).replace(/\./g, '-')}`;
/** An nft rule comment (at most 128 bytes; names are ASCII, and may be long). */
const comment = (text: string): string => `comment "${text.slice(0, 120)}"`;
const set = (items: readonly string[]): string => (items.length === 1 ? (items[0] as string) : `{ ${items.join(', ')} }`);
const byKey = (a: NetworkPolicy, b: NetworkPolicy): number => `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`);

/** Port ranges merged into disjoint sorted ones (nft refuses overlapping set elements). */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): string[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
}

/**
 * Port matches of a rule's `ports`: [''] when it has none (every port and protocol); one
 * match per protocol otherwise; [] when nothing can match (a named port the pod lacks).
 * `named` resolves a port name; undefined leaves named ports out (handled by the caller).
 */
function portMatches(ports: readonly NetworkPolicyPort[] | undefined, named?: (name: string, proto: Proto) => number[]): string[] {
  if (!ports || ports.length === 0) return [''];
  const whole = new Set<Proto>();
  const ranges = new Map<Proto, Array<[number, number]>>();
  const add = (proto: Proto, a: number, b: number): void => void (ranges.get(proto) ?? ranges.set(proto, []).get(proto))!.push([a, b]);
  for (const p of ports) {
    const proto = protoOf(p);
    if (p.port === undefined || p.port === null) whole.add(proto);
    else if (typeof p.port === 'number') add(proto, p.port, Math.max(p.port, p.endPort ?? p.port));
    else if (/^\d+$/.test(p.port)) add(proto, Number(p.port), Number(p.port));
    else if (named) for (const n of named(p.port, proto)) add(proto, n, n);
  }
  const out: string[] = [];
  for (const proto of ['tcp', 'udp', 'sctp'] as const) {
    if (whole.has(proto)) out.push(`meta l4proto ${proto}`);
    else if (ranges.has(proto)) out.push(`${proto} dport ${set(mergeRanges(ranges.get(proto)!))}`);
  }
  return out;
}

/** The address match of a resolved peer (`saddr` for ingress sources, `daddr` for egress destinations); undefined when it matches nobody. */
function peerMatch(t: PeerTarget, field: 'saddr' | 'daddr'): string | undefined {
  if (t.kind === 'block') return `ip ${field} ${t.cidr}${t.except.length ? ` ip ${field} != ${set(t.except)}` : ''}`;
  const ips = [...new Set(t.pods.flatMap((p) => p.ips))].sort();
  return ips.length ? `ip ${field} ${set(ips)}` : undefined;
}

interface Ctx {
  pods: PodView[];
  nsLabels: (ns: string) => Record<string, string>;
}

/** The lines one rule of one policy adds to the chain of `target`. */
function ruleLines(dir: Dir, policy: NetworkPolicy, index: number, rule: { ports?: NetworkPolicyPort[]; peers?: NetworkPolicyPeer[] }, target: PodView, ctx: Ctx): string[] {
  const ns = policy.metadata?.namespace ?? 'default';
  const verdict = `${dir === 'ingress' ? 'accept' : 'return'} ${comment(`${ns}/${policy.metadata?.name ?? ''} ${dir}[${index}]`)}`;
  const field = dir === 'ingress' ? 'saddr' : 'daddr';
  const targets = rule.peers && rule.peers.length > 0 ? rule.peers.map((p) => resolvePeer(p, ns, ctx.pods, ctx.nsLabels)).filter((t): t is PeerTarget => !!t) : undefined;
  const peers = targets ? targets.map((t) => peerMatch(t, field)).filter((m): m is string => !!m) : [''];
  const join = (...parts: string[]): string => [...parts.filter(Boolean), verdict].join(' ');
  // Ingress: a named port is the target pod's own.
  const ports = portMatches(rule.ports, dir === 'ingress' ? (name, proto) => namedPort(target.pod, name, proto) : undefined);
  const lines = peers.flatMap((peer) => ports.map((port) => join(peer, port)));
  if (dir === 'egress') {
    // Egress: a named port is each destination pod's own, so those rules are per destination pod.
    for (const p of rule.ports ?? []) {
      if (typeof p.port !== 'string' || /^\d+$/.test(p.port)) continue;
      const proto = protoOf(p);
      const name = p.port;
      const candidates = targets ? targets.flatMap((t) => (t.kind === 'pods' ? t.pods : ctx.pods.filter((d) => d.ips.some((ip) => blockContains(t, ip))))) : ctx.pods;
      for (const d of [...new Set(candidates)]) {
        const nums = namedPort(d.pod, name, proto);
        if (nums.length) lines.push(join(`ip daddr ${set(d.ips)}`, `${proto} dport ${set(mergeRanges(nums.map((n) => [n, n] as const)))}`));
      }
    }
  }
  return lines;
}

/** The whole table for one node. Deterministic: the same input gives the same text. */
export function compileRuleset(input: CompileInput): CompiledRuleset {
  const pods = podViews(input.pods);
  const ctx: Ctx = { pods, nsLabels: namespaceLabels(input.namespaces) };
  const policies = [...input.policies].sort(byKey);
  const local = pods.filter((p) => p.nodeName === input.nodeName);
  const perPod = new Map<string, string[]>();
  const maps: Record<Dir, string[]> = { ingress: [], egress: [] };
  for (const target of local) {
    for (const dir of ['ingress', 'egress'] as const) {
      const selecting = policies.filter((p) => policyTypes(p)[dir] && policySelects(p, target));
      if (selecting.length === 0) continue;
      const lines: string[] = [];
      for (const policy of selecting) {
        const rules = dir === 'ingress' ? (policy.spec?.ingress ?? []).map((r) => ({ ports: r.ports, peers: r.from })) : (policy.spec?.egress ?? []).map((r) => ({ ports: r.ports, peers: r.to }));
        rules.forEach((rule, i) => lines.push(...ruleLines(dir, policy, i, rule, target, ctx)));
      }
      lines.push(`drop ${comment(`${target.namespace}/${target.name} ${dir}: not allowed by any policy`)}`);
      const chain = chainName(dir, target);
      perPod.set(chain, lines);
      for (const ip of target.ips) maps[dir].push(`${ip} : jump ${chain}`);
    }
  }
  const hook = (name: string): string => `type filter hook ${name} priority filter; policy accept;`;
  const replies = 'ct state established,related accept';
  const egressMap = maps.egress.length ? [`ip saddr vmap { ${maps.egress.join(', ')} }`] : [];
  const ingressMap = maps.ingress.length ? [`ip daddr vmap { ${maps.ingress.join(', ')} }`] : [];
  const chains = new Map<string, string[]>([
    ['forward', [hook('forward'), replies, ...egressMap, ...ingressMap]],
    ['input', [hook('input'), replies, ...egressMap]],
    ...perPod,
  ]);
  return { chains, isolated: { ingress: maps.ingress.length, egress: maps.egress.length } };
}

/**
 * The `nft -f -` script that replaces the table with `r` in one kernel transaction: no
 * moment without rules, and whatever an earlier (crashed) run left is gone.
 */
export function rulesetScript(table: string, r: CompiledRuleset): string {
  const t = `inet ${table}`;
  const lines = [`add table ${t}`, `delete table ${t}`, `table ${t} {`];
  for (const [name, rules] of r.chains) lines.push(`\tchain ${name} {`, ...rules.map((l) => `\t\t${l}`), '\t}');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Removes the table (and only it); succeeds when there is none. */
export function deleteTableScript(table: string): string {
  return `add table inet ${table}\ndelete table inet ${table}\n`;
}
