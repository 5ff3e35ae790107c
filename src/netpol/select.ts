import { isIPv4 } from 'node:net';
import type { Namespace } from '../api/core/v1/namespace.js';
import type { Pod } from '../api/core/v1/pod.js';
import { labelSelectorMatches } from '../api/meta/v1/label-selector-eval.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../api/networking/v1/network-policy.js';
import { cidrContainsIp, collapseCidrs, normalizeCidr } from './cidr.js';

/**
 * NetworkPolicy semantics as pure functions: which pods a policy isolates, which pods and
 * ranges a peer stands for, what a named port is on a given pod.
 */

/** The label every namespace carries upstream (set by the API server there); added here when missing. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A pod as the rules see it: where it is and what it is called. */
export interface PodView {
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  nodeName: string;
  /** IPv4 addresses (the rules are IPv4). */
  ips: string[];
  pod: Pod;
}

/**
 * Pods that take part in policy: with an IPv4 address, not on the host network (policy does
 * not apply to those, as upstream), not finished (their address may already be reused).
 */
export function podViews(pods: readonly Pod[]): PodView[] {
  const out: PodView[] = [];
  for (const pod of pods) {
    if (pod.spec?.hostNetwork) continue;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ips = [...new Set([pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)])].filter((ip): ip is string => !!ip && isIPv4(ip));
    if (ips.length === 0) continue;
    out.push({ namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', labels: pod.metadata?.labels ?? {}, nodeName: pod.spec?.nodeName ?? '', ips, pod });
  }
  return out.sort((a, b) => (a.ips[0] as string).localeCompare(b.ips[0] as string, 'en', { numeric: true }));
}

/** Namespace name → labels, with the name label upstream guarantees. Pods may name a namespace not (yet) in the cache. */
export function namespaceLabels(namespaces: readonly Namespace[]): (ns: string) => Record<string, string> {
  const byName = new Map(namespaces.map((n) => [n.metadata?.name ?? '', n.metadata?.labels ?? {}]));
  return (ns) => ({ ...(byName.get(ns) ?? {}), [NAMESPACE_NAME_LABEL]: ns });
}

/** The directions a policy isolates; the API server defaults policyTypes, this repeats it for objects stored without it. */
export function policyTypes(p: NetworkPolicy): { ingress: boolean; egress: boolean } {
  const types = p.spec?.policyTypes;
  if (types && types.length > 0) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: (p.spec?.egress ?? []).length > 0 };
}

/** Whether the policy applies to the pod: same namespace, podSelector matches (empty: every pod). */
export function policySelects(p: NetworkPolicy, pod: PodView): boolean {
  return (p.metadata?.namespace ?? 'default') === pod.namespace && labelSelectorMatches(p.spec?.podSelector ?? {}, pod.labels);
}

/** What a peer stands for: pods (with their addresses), or a range minus exceptions. */
export type PeerTarget = { kind: 'pods'; pods: PodView[] } | { kind: 'block'; cidr: string; except: string[] };

/**
 * A peer of a policy in namespace `ns`: podSelector alone picks pods of `ns`;
 * namespaceSelector alone every pod of the namespaces it picks; both, the pods the pod
 * selector picks in those namespaces. An IPv6 or invalid ipBlock stands for nothing.
 */
export function resolvePeer(peer: NetworkPolicyPeer, ns: string, pods: readonly PodView[], nsLabels: (ns: string) => Record<string, string>): PeerTarget | undefined {
  if (peer.ipBlock) {
    const cidr = normalizeCidr(peer.ipBlock.cidr ?? '');
    if (!cidr) return undefined;
    return { kind: 'block', cidr, except: collapseCidrs(peer.ipBlock.except ?? []) };
  }
  if (!peer.podSelector && !peer.namespaceSelector) return undefined;
  const inNamespace = (p: PodView): boolean => (peer.namespaceSelector ? labelSelectorMatches(peer.namespaceSelector, nsLabels(p.namespace)) : p.namespace === ns);
  const selected = (p: PodView): boolean => !peer.podSelector || labelSelectorMatches(peer.podSelector, p.labels);
  return { kind: 'pods', pods: pods.filter((p) => inNamespace(p) && selected(p)) };
}

/** Whether an address falls in a block (and outside its exceptions). */
export function blockContains(t: Extract<PeerTarget, { kind: 'block' }>, ip: string): boolean {
  return cidrContainsIp(t.cidr, ip) && !t.except.some((e) => cidrContainsIp(e, ip));
}

export type Proto = 'tcp' | 'udp' | 'sctp';

export const protoOf = (p: NetworkPolicyPort): Proto => ((p.protocol ?? 'TCP').toLowerCase() as Proto);

/** The numbers a named port has on a pod: its containers' ports of that name and protocol (init containers too, for sidecars). */
export function namedPort(pod: Pod, name: string, proto: Proto): number[] {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const out = new Set<number>();
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === name && (p.protocol ?? 'TCP').toLowerCase() === proto && p.containerPort) out.add(p.containerPort);
    }
  }
  return [...out].sort((a, b) => a - b);
}
