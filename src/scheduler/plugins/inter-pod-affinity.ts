import type { Pod } from '../../api/core/v1/pod.js';
import type { LabelSelectorObject } from '../../machinery/label-selector.js';
import type { FilterPlugin, Handle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { podLabels, selectorFor } from '../helpers.js';
import { NodeCountCache } from '../count-cache.js';
import { constantStatus, SKIP, SUCCESS, type Status } from '../status.js';
import { minMaxNormalize } from './normalize.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/** A pod (anti-)affinity term as the scheduler reads it (required fields present after validation). */
export interface PodAffinityTerm {
  labelSelector?: LabelSelectorObject | null;
  namespaces?: readonly string[] | null;
  topologyKey: string;
  namespaceSelector?: LabelSelectorObject | null;
}
export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

const EXISTING_ANTI = constantStatus('Unschedulable', ERR_EXISTING_ANTI_AFFINITY, INTER_POD_AFFINITY);
const ANTI = constantStatus('Unschedulable', ERR_ANTI_AFFINITY, INTER_POD_AFFINITY);
const AFFINITY = constantStatus('UnschedulableAndUnresolvable', ERR_AFFINITY, INTER_POD_AFFINITY);

type NsLabels = (ns: string) => Record<string, string> | undefined;

/** Whether `candidate` is one of the pods `term` (declared by `owner`) refers to. */
export function termMatchesPod(term: PodAffinityTerm, owner: Pod, candidate: Pod, nsLabels: NsLabels): boolean {
  const cns = candidate.metadata?.namespace ?? '';
  const namespaces = term.namespaces ?? [];
  if (namespaces.length === 0 && !term.namespaceSelector) {
    if (cns !== (owner.metadata?.namespace ?? '')) return false;
  } else if (!namespaces.includes(cns)) {
    if (!term.namespaceSelector || !selectorFor(term.namespaceSelector as LabelSelectorObject).matches(nsLabels(cns) ?? {})) return false;
  }
  return selectorFor(term.labelSelector as LabelSelectorObject | undefined).matches(podLabels(candidate));
}

const required = (pod: Pod, anti: boolean): PodAffinityTerm[] =>
  ((anti ? pod.spec?.affinity?.podAntiAffinity : pod.spec?.affinity?.podAffinity)?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as unknown as PodAffinityTerm[];
const preferred = (pod: Pod, anti: boolean): WeightedPodAffinityTerm[] =>
  ((anti ? pod.spec?.affinity?.podAntiAffinity : pod.spec?.affinity?.podAffinity)?.preferredDuringSchedulingIgnoredDuringExecution ?? []) as unknown as WeightedPodAffinityTerm[];

/** Per-cycle counts keyed `topologyKey=value`. */
/** Counts per topology pair: topologyKey → value → count. */
export type TopologyCounts = Map<string, Map<string, number>>;

export interface AffinityState {
  existingAnti: TopologyCounts;
  affinity: TopologyCounts;
  anti: TopologyCounts;
  affinityTerms: PodAffinityTerm[];
  antiTerms: PodAffinityTerm[];
  /** The pod matches all its own affinity terms (lets the first pod of a group land anywhere). */
  selfMatch: boolean;
}

function bump(m: TopologyCounts, key: string, value: string, by: number): void {
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  inner.set(value, (inner.get(value) ?? 0) + by);
}
function countAt(m: TopologyCounts, key: string, value: string): number {
  return m.get(key)?.get(value) ?? 0;
}

/**
 * A stable signature for a term as declared in a namespace, computed once per term object
 * (informer objects are immutable) so per-cycle lookups hash an already-flat string.
 */
const termSigs = new WeakMap<object, { ns: string; sig: string }>();
function termSig(t: PodAffinityTerm, ownerNs: string): string {
  const hit = termSigs.get(t);
  if (hit && hit.ns === ownerNs) return hit.sig;
  const sig = `${ownerNs}|${JSON.stringify(t)}`;
  termSigs.set(t, { ns: ownerNs, sig });
  return sig;
}

/**
 * Counts for the Filter: existing pods' required anti-affinity against this pod (only
 * nodes hosting such pods are looked at), and this pod's own required terms against the
 * pods on every node (per-node counts cached while a node's pods are unchanged).
 */
export function computeAffinityState(pod: Pod, nodes: readonly NodeInfo[], nsLabels: NsLabels, antiNodes: Iterable<NodeInfo> = nodes, counts = new NodeCountCache()): AffinityState {
  const affinityTerms = required(pod, false);
  const antiTerms = required(pod, true);
  const s: AffinityState = { existingAnti: new Map(), affinity: new Map(), anti: new Map(), affinityTerms, antiTerms, selfMatch: false };
  s.selfMatch = affinityTerms.length > 0 && affinityTerms.every((t) => termMatchesPod(t, pod, pod, nsLabels));
  // Existing pods usually share a few distinct terms (one per workload): match each once.
  const memo = new Map<string, boolean>();
  for (const node of antiNodes) {
    const labels = node.labels;
    for (const p of node.podsWithRequiredAntiAffinity.values()) {
      for (const t of required(p, true)) {
        const v = labels[t.topologyKey];
        if (v === undefined) continue;
        const sig = termSig(t, p.metadata?.namespace ?? '');
        let m = memo.get(sig);
        if (m === undefined) memo.set(sig, (m = termMatchesPod(t, p, pod, nsLabels)));
        if (m) bump(s.existingAnti, t.topologyKey, v, 1);
      }
    }
  }
  if (affinityTerms.length === 0 && antiTerms.length === 0) return s;
  const ns = pod.metadata?.namespace ?? '';
  const affKey = affinityTerms.length ? `aff|${ns}|${JSON.stringify(affinityTerms)}` : '';
  const antiKeys = antiTerms.map((t) => `anti|${termSig(t, ns)}`);
  const antiPreds = antiTerms.map((t) => (p: Pod) => termMatchesPod(t, pod, p, nsLabels));
  for (const node of nodes) {
    const labels = node.labels;
    if (affinityTerms.length > 0) {
      const n = counts.count(node, affKey, (p) => affinityTerms.every((t) => termMatchesPod(t, pod, p, nsLabels)));
      if (n > 0) {
        for (const t of affinityTerms) {
          const v = labels[t.topologyKey];
          if (v !== undefined) bump(s.affinity, t.topologyKey, v, n);
        }
      }
    }
    for (let i = 0; i < antiTerms.length; i++) {
      const t = antiTerms[i] as PodAffinityTerm;
      const v = labels[t.topologyKey];
      if (v === undefined) continue;
      const n = counts.count(node, antiKeys[i] as string, antiPreds[i] as (p: Pod) => boolean);
      if (n > 0) bump(s.anti, t.topologyKey, v, n);
    }
  }
  return s;
}

export function interPodAffinityFilter(s: AffinityState, node: NodeInfo): Status {
  const labels = node.labels;
  for (const [key, values] of s.existingAnti) {
    const v = labels[key];
    if (v !== undefined && (values.get(v) ?? 0) > 0) return EXISTING_ANTI;
  }
  for (const t of s.antiTerms) {
    const v = labels[t.topologyKey];
    if (v !== undefined && countAt(s.anti, t.topologyKey, v) > 0) return ANTI;
  }
  for (const t of s.affinityTerms) {
    const v = labels[t.topologyKey];
    if (v === undefined) return AFFINITY;
    if (countAt(s.affinity, t.topologyKey, v) > 0) continue;
    if (s.affinity.size === 0 && s.selfMatch) continue;
    return AFFINITY;
  }
  return SUCCESS;
}

/** Preferred (anti-)affinity in both directions, summed per topology pair. */
export function computeAffinityScores(pod: Pod, nodes: readonly NodeInfo[], nsLabels: NsLabels, hardPodAffinityWeight = 1, affinityNodes: Iterable<NodeInfo> = nodes): TopologyCounts {
  const scores: TopologyCounts = new Map();
  const prefAff = preferred(pod, false);
  const prefAnti = preferred(pod, true);
  const ownTerms = prefAff.length + prefAnti.length > 0;
  for (const node of ownTerms ? nodes : affinityNodes) {
    const labels = node.labels;
    const pods = ownTerms ? node.pods.values() : node.podsWithAffinity.values();
    for (const p of pods) {
      const add = (t: PodAffinityTerm, owner: Pod, other: Pod, w: number): void => {
        const v = labels[t.topologyKey];
        if (v !== undefined && termMatchesPod(t, owner, other, nsLabels)) bump(scores, t.topologyKey, v, w);
      };
      for (const w of prefAff) add(w.podAffinityTerm, pod, p, w.weight);
      for (const w of prefAnti) add(w.podAffinityTerm, pod, p, -w.weight);
      for (const w of preferred(p, false)) add(w.podAffinityTerm, p, pod, w.weight);
      for (const w of preferred(p, true)) add(w.podAffinityTerm, p, pod, -w.weight);
      if (hardPodAffinityWeight > 0) for (const t of required(p, false)) add(t, p, pod, hardPodAffinityWeight);
    }
  }
  return scores;
}

const FILTER_KEY = `${INTER_POD_AFFINITY}/filter`;
const SCORE_KEY = `${INTER_POD_AFFINITY}/score`;

export function interPodAffinity(handle: Handle, args: { hardPodAffinityWeight?: number } = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const nsLabels: NsLabels = (ns) => handle.namespaceLabels(ns);
  const counts = new NodeCountCache();
  return {
    name: INTER_POD_AFFINITY,
    preFilter: (state, pod, nodes) => {
      const s = computeAffinityState(pod, nodes, nsLabels, handle.nodesWithRequiredAntiAffinity(), counts);
      if (s.existingAnti.size === 0 && s.affinityTerms.length === 0 && s.antiTerms.length === 0) return { status: SKIP };
      state.write(FILTER_KEY, s);
      return { status: SUCCESS };
    },
    filter: (state, _pod, node) => {
      const s = state.read<AffinityState>(FILTER_KEY);
      return s ? interPodAffinityFilter(s, node) : SUCCESS;
    },
    preScore: (state, pod, nodes) => {
      const scores = computeAffinityScores(pod, nodes, nsLabels, args.hardPodAffinityWeight ?? 1, handle.nodesWithPodAffinity());
      if (scores.size === 0) return SKIP;
      state.write(SCORE_KEY, scores);
      return SUCCESS;
    },
    score: (state, _pod, node) => {
      const scores = state.read<TopologyCounts>(SCORE_KEY);
      if (!scores) return 0;
      let total = 0;
      const labels = node.labels;
      for (const [key, values] of scores) {
        const v = labels[key];
        if (v !== undefined) total += values.get(v) ?? 0;
      }
      return total;
    },
    normalizeScore: (_s, _p, scores) => minMaxNormalize(scores),
  };
}
