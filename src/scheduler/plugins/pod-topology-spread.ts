import type { Pod } from '../../api/core/v1/pod.js';
import type { TopologySpreadConstraint } from '../../api/core/v1/topology-spread.js';
import { LabelSelector, type LabelSelectorObject } from '../../machinery/label-selector.js';
import type { CycleState } from '../cycle-state.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { isTerminating, nodeMatchesPodNodeAffinity, podLabels } from '../helpers.js';
import { SKIP, SUCCESS, unresolvable, unschedulable, type Status } from '../status.js';
import { firstUntoleratedTaint } from './taint-toleration.js';
import { MAX_NODE_SCORE } from './normalize.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_SPREAD = "node(s) didn't match pod topology spread constraints";
export const ERR_SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME = 'kubernetes.io/hostname';

/** A constraint made ready to evaluate: the selector resolved against the incoming pod. */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  hard: boolean;
  honorAffinity: boolean;
  honorTaints: boolean;
  /** Whether an existing pod counts; namespace and liveness are checked by the caller. */
  matches: (pod: Pod) => boolean;
  /** Identifies the matcher, for the per-node count cache. */
  cacheKey: string;
}

export interface PodTopologySpreadArgs {
  /** Applied to pods that declare no constraints and have a controller (default: the system defaults). */
  defaultConstraints?: Array<{ maxSkew: number; topologyKey: string; whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway' }>;
  defaultingType?: 'System' | 'List';
}

const SYSTEM_DEFAULTS: NonNullable<PodTopologySpreadArgs['defaultConstraints']> = [
  { maxSkew: 3, topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway' },
  { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
];

/** The pod's constraints (or the defaults, scoped to pods of the same controller). */
export function buildConstraints(pod: Pod, defaults = SYSTEM_DEFAULTS): Constraint[] {
  const ns = pod.metadata?.namespace ?? '';
  const own = (pod.spec?.topologySpreadConstraints ?? []) as TopologySpreadConstraint[];
  if (own.length > 0) {
    return own.map((c) => {
      let selObj: LabelSelectorObject | undefined = c.labelSelector as LabelSelectorObject | undefined;
      const keys = c.matchLabelKeys ?? [];
      if (keys.length > 0) {
        const labels = podLabels(pod);
        const extra: Record<string, string> = {};
        for (const k of keys) if (labels[k] !== undefined) extra[k] = labels[k] as string;
        selObj = { matchLabels: { ...(selObj?.matchLabels ?? {}), ...extra }, matchExpressions: selObj?.matchExpressions ?? null };
      }
      let sel: LabelSelector;
      try {
        sel = selObj ? LabelSelector.fromObject(selObj) : LabelSelector.nothing();
      } catch {
        sel = LabelSelector.nothing();
      }
      return {
        maxSkew: c.maxSkew ?? 1,
        topologyKey: c.topologyKey ?? '',
        minDomains: c.minDomains ?? 1,
        hard: c.whenUnsatisfiable !== 'ScheduleAnyway',
        honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
        honorTaints: c.nodeTaintsPolicy === 'Honor',
        matches: (p: Pod) => sel.matches(podLabels(p)),
        cacheKey: `${ns}|${sel.matchesNothing() ? '<none>' : sel.toString()}`,
      };
    });
  }
  const owner = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller);
  if (!owner?.uid) return [];
  const uid = owner.uid;
  return defaults.map((d) => ({
    maxSkew: d.maxSkew,
    topologyKey: d.topologyKey,
    minDomains: 1,
    hard: d.whenUnsatisfiable === 'DoNotSchedule',
    honorAffinity: true,
    honorTaints: false,
    matches: (p: Pod) => (p.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === uid),
    cacheKey: `${ns}|owner=${uid}`,
  }));
}

/** Per-cycle counts: for each constraint, matching pods per topology value. */
interface SpreadState {
  constraints: Constraint[];
  counts: Array<Map<string, number>>;
  minMatch: number[];
}

const FILTER_KEY = `${POD_TOPOLOGY_SPREAD}/filter`;
const SCORE_KEY = `${POD_TOPOLOGY_SPREAD}/score`;

export function podTopologySpread(args: PodTopologySpreadArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const defaults = args.defaultingType === 'List' ? (args.defaultConstraints ?? []) : SYSTEM_DEFAULTS;
  // Matching pods per (node, constraint matcher), reused while the node's pod set is unchanged.
  const nodeCounts = new WeakMap<NodeInfo, Map<string, { gen: number; count: number }>>();

  const countOn = (node: NodeInfo, c: Constraint, ns: string): number => {
    let m = nodeCounts.get(node);
    if (!m) nodeCounts.set(node, (m = new Map()));
    const hit = m.get(c.cacheKey);
    if (hit && hit.gen === node.generation) return hit.count;
    let n = 0;
    for (const p of node.pods.values()) if (p.metadata?.namespace === ns && !isTerminating(p) && c.matches(p)) n++;
    m.set(c.cacheKey, { gen: node.generation, count: n });
    return n;
  };

  const compute = (pod: Pod, constraints: Constraint[], nodes: readonly NodeInfo[], applyPolicies: boolean): SpreadState => {
    const ns = pod.metadata?.namespace ?? '';
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of nodes) {
      const labels = node.labels;
      if (!constraints.every((c) => labels[c.topologyKey] !== undefined)) continue;
      if (applyPolicies && constraints.some((c) => c.honorAffinity) && !nodeMatchesPodNodeAffinity(pod, node.node)) continue;
      if (applyPolicies && constraints.some((c) => c.honorTaints) && firstUntoleratedTaint(pod, node.node)) continue;
      constraints.forEach((c, i) => {
        const v = labels[c.topologyKey] as string;
        const m = counts[i] as Map<string, number>;
        m.set(v, (m.get(v) ?? 0) + countOn(node, c, ns));
      });
    }
    const minMatch = constraints.map((c, i) => {
      const m = counts[i] as Map<string, number>;
      if (m.size < c.minDomains) return 0;
      let min = Infinity;
      for (const v of m.values()) if (v < min) min = v;
      return min === Infinity ? 0 : min;
    });
    return { constraints, counts, minMatch };
  };

  return {
    name: POD_TOPOLOGY_SPREAD,
    preFilter: (state, pod, nodes) => {
      const hard = buildConstraints(pod, defaults).filter((c) => c.hard);
      if (hard.length === 0) return { status: SKIP };
      state.write(FILTER_KEY, compute(pod, hard, nodes, true));
      return { status: SUCCESS };
    },
    filter: (state, pod, node) => {
      const s = state.read<SpreadState>(FILTER_KEY);
      if (!s) return SUCCESS;
      return spreadFilter(s, pod, node);
    },
    preScore: (state, pod, nodes) => {
      const soft = buildConstraints(pod, defaults).filter((c) => !c.hard);
      if (soft.length === 0) return SKIP;
      state.write(SCORE_KEY, compute(pod, soft, nodes, false));
      return SUCCESS;
    },
    score: (state, pod, node) => {
      const s = state.read<SpreadState>(SCORE_KEY);
      if (!s) return 0;
      let total = 0;
      s.constraints.forEach((c, i) => {
        const v = node.labels[c.topologyKey];
        if (v === undefined) return;
        const m = s.counts[i] as Map<string, number>;
        const cnt = c.topologyKey === HOSTNAME ? countOn(node, c, pod.metadata?.namespace ?? '') : (m.get(v) ?? 0);
        total += (cnt + c.maxSkew - 1) * Math.log(m.size + 2);
      });
      return Math.round(total * 1000);
    },
    normalizeScore: (_s, _p, scores) => {
      let min = Infinity;
      let max = 0;
      for (const s of scores) {
        if (s.score < min) min = s.score;
        if (s.score > max) max = s.score;
      }
      for (const s of scores) s.score = max === 0 ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (max + min - s.score)) / max);
    },
  };
}

/** Hard-constraint check of one node against precomputed counts. */
export function spreadFilter(s: SpreadState, pod: Pod, node: NodeInfo): Status {
  const labels = node.labels;
  const own = podLabels(pod);
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as Constraint;
    const v = labels[c.topologyKey];
    if (v === undefined) return unresolvable(ERR_SPREAD_MISSING_LABEL);
    const self = c.matches({ metadata: { labels: own } } as Pod) ? 1 : 0;
    const count = (s.counts[i] as Map<string, number>).get(v) ?? 0;
    const skew = count + self - (s.minMatch[i] ?? 0);
    if (skew > c.maxSkew) return unschedulable(ERR_SPREAD);
  }
  return SUCCESS;
}

export type { SpreadState, CycleState };
