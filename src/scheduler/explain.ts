import type { Pod } from '../api/core/v1/pod.js';
import type { NodeInfo } from './node-info.js';
import { podRequests } from './resources.js';
import type { Status } from './status.js';

/** Where the last failed attempt's full verdict lives (compact JSON), for `skiff why`. */
export const LAST_ATTEMPT_ANNOTATION = 'scheduler.skiff.dev/last-attempt';
const MAX_NODES_PER_REASON = 20;
const MAX_PER_NODE = 100;

/** "count reason" strings sorted as kube-scheduler sorts its reasons histogram. */
export function histogram(reasons: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
}

export interface Diagnosis {
  numAllNodes: number;
  /** Rejecting status per node name. */
  nodeStatuses: Map<string, Status>;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/** FitError.Error(): "0/5 nodes are available: 2 Insufficient cpu, 3 …. preemption: …". */
export function fitErrorMessage(d: Diagnosis): string {
  if (d.numAllNodes === 0) return 'no nodes available to schedule pods';
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  const all: string[] = [];
  if (!d.preFilterMsg) for (const s of d.nodeStatuses.values()) all.push(...s.reasons);
  const h = histogram(all);
  if (h.length > 0) msg += ` ${h.join(', ')}.`;
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

export interface Verdict {
  v: 1;
  time: string;
  message: string;
  nodes: number;
  /** One row per (plugin, reason): how many nodes, and the first few of them. */
  failures: Array<{ plugin: string; reason: string; count: number; nodes: string[] }>;
  /** Per-node verdicts (the first MAX_PER_NODE nodes). */
  perNode: Array<{ node: string; plugin: string; code: string; reasons: string[] }>;
  /** What would make the pod fit. */
  hints: string[];
  nominatedNode?: string;
}

export function buildVerdict(pod: Pod, d: Diagnosis, nodes: (name: string) => NodeInfo | undefined, now: Date, nominatedNode?: string): Verdict {
  const groups = new Map<string, { plugin: string; reason: string; count: number; nodes: string[] }>();
  const perNode: Verdict['perNode'] = [];
  for (const [name, st] of d.nodeStatuses) {
    if (perNode.length < MAX_PER_NODE) perNode.push({ node: name, plugin: st.plugin ?? '', code: st.code, reasons: [...st.reasons] });
    for (const r of st.reasons) {
      const k = `${st.plugin}\u0000${r}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { plugin: st.plugin ?? '', reason: r, count: 0, nodes: [] }));
      g.count++;
      if (g.nodes.length < MAX_NODES_PER_REASON) g.nodes.push(name);
    }
  }
  const failures = [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return {
    v: 1,
    time: now.toISOString(),
    message: fitErrorMessage(d),
    nodes: d.numAllNodes,
    failures,
    perNode,
    hints: hintsFor(pod, failures, nodes, d),
    ...(nominatedNode ? { nominatedNode } : {}),
  };
}

function fmt(resource: string, v: number): string {
  if (resource === 'cpu') return `${v}m`;
  if (resource === 'memory' || resource === 'ephemeral-storage') return v >= 1 << 20 ? `${Math.floor(v / (1 << 20))}Mi` : `${v}`;
  return String(v);
}

/** Readable suggestions, one per failure kind. */
export function hintsFor(pod: Pod, failures: Verdict['failures'], nodes: (name: string) => NodeInfo | undefined, d: Diagnosis): string[] {
  const hints: string[] = [];
  if (d.numAllNodes === 0) return ['register a node (or run `skiff sim --nodes N` for simulated ones)'];
  if (d.preFilterMsg) hints.push(`fix the pod: ${d.preFilterMsg}`);
  const req = podRequests(pod).requests;
  for (const f of failures) {
    const m = /^Insufficient (.+)$/.exec(f.reason);
    if (m) {
      const res = m[1] as string;
      let bestFree = 0;
      for (const name of d.nodeStatuses.keys()) {
        const ni = nodes(name);
        if (!ni) continue;
        const free = (ni.allocatable[res] ?? 0) - (ni.requested[res] ?? 0);
        if (free > bestFree) bestFree = free;
      }
      hints.push(`${res}: the pod requests ${fmt(res, req[res] ?? 0)}; the most free on any node is ${fmt(res, Math.max(0, bestFree))} — lower the request to at most that, free capacity, or add a node with more ${res}`);
    } else if (f.reason === 'Too many pods') hints.push(`${f.count} node(s) are at their pod limit (allocatable pods): add nodes or remove pods`);
    else if (f.reason.startsWith('node(s) had untolerated taint ')) {
      const t = /\{(.*): (.*)\}$/.exec(f.reason);
      const node = nodes(f.nodes[0] ?? '');
      const taint = node?.node.spec?.taints?.find((x) => x.key === t?.[1]);
      hints.push(`tolerate the taint on ${f.count} node(s): tolerations: [{key: ${t?.[1]}, operator: Equal, value: "${t?.[2]}", effect: ${taint?.effect ?? 'NoSchedule'}}]`);
    } else if (f.reason === "node(s) didn't match Pod's node affinity/selector") {
      const sel = pod.spec?.nodeSelector ? Object.entries(pod.spec.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',') : '';
      hints.push(`${f.count} node(s) lack the labels the pod selects${sel ? ` (${sel})` : ''}: label a node (kubectl label node NAME ${sel || 'KEY=VALUE'}) or relax nodeSelector/affinity`);
    } else if (f.reason === 'node(s) were unschedulable') hints.push(`${f.count} node(s) are cordoned: kubectl uncordon ${f.nodes[0] ?? 'NODE'}`);
    else if (f.reason.includes('free ports')) hints.push(`${f.count} node(s) already use the requested hostPort: pick another hostPort or drop it`);
    else if (f.reason.includes('topology spread')) hints.push(`placing here would break maxSkew on ${f.count} node(s): add nodes in the emptier topology domains or raise maxSkew`);
    else if (f.reason.includes('anti-affinity')) hints.push(`${f.count} node(s) host pods the anti-affinity rules keep away: add nodes in other topology domains`);
    else if (f.reason.includes('pod affinity')) hints.push(`no node runs the pods the affinity rules require: start them first, or relax the rule`);
    else if (f.reason.includes('requested node name')) hints.push(`the pod names a node (spec.nodeName) that does not exist or differs`);
  }
  return hints;
}
