import type { Pod } from '../../api/core/v1/pod.js';
import type { TopologySpreadConstraint } from '../../api/core/v1/topology-spread.js';
import { LabelSelector, type LabelSelectorObject } from '../../machinery/label-selector.js';
import type { CycleState } from '../cycle-state.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { isTerminating, nodeMatchesPodNodeAffinity, podLabels } from '../helpers.js';
import { constantStatus, SKIP, SUCCESS, type Status } from '../status.js';
import { firstUntoleratedTaint } from './taint-toleration.js';
import { MAX_NODE_SCORE } from './normalize.js';
import { NodeCountCache } from '../count-cache.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_SPREAD = "node(s) didn't match pod topology spread constraints";
export const ERR_SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME = 'kubernetes.io/hostname';
const SKEW = constantStatus('Unschedulable', ERR_SPREAD, POD_TOPOLOGY_SPREAD);
const MISSING = constantStatus('UnschedulableAndUnresolvable', ERR_SPREAD_MISSING_LABEL, POD_TOPOLOGY_SPREAD);

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
  /** Whether the incoming pod matches each constraint's selector itself. */
  selfMatch: number[];
}

const FILTER_KEY = `${POD_TOPOLOGY_SPREAD}/filter`;
const SCORE_KEY = `${POD_TOPOLOGY_SPREAD}/score`;

export function podTopologySpread(args: PodTopologySpreadArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const defaults = args.defaultingType === 'List' ? (args.defaultConstraints ?? []) : SYSTEM_DEFAULTS;
  const podCounts = new NodeCountCache();
  const countOn = (node: NodeInfo, c: Constraint, ns: string): number =>
    podCounts.count(node, c.cacheKey, (p) => p.metadata?.namespace === ns && !isTerminating(p) && c.matches(p));

  // Domain totals per constraint set, kept across cycles and patched for the nodes whose
  // pods or labels changed (NodeInfo.generation): a cycle costs one map lookup per node
  // instead of counting every pod in the cluster.
  interface Contribution { gen: number; domains: string[] | undefined; counts: number[] }
  interface Aggregate { list: readonly NodeInfo[]; perNode: Map<NodeInfo, Contribution>; counts: Array<Map<string, number>>; nodesIn: Array<Map<string, number>> }
  const aggregates = new Map<string, Aggregate>();

  const compute = (pod: Pod, constraints: Constraint[], nodes: readonly NodeInfo[], applyPolicies: boolean): SpreadState => {
    const ns = pod.metadata?.namespace ?? '';
    const honorAffinity = applyPolicies && constraints.some((c) => c.honorAffinity);
    const honorTaints = applyPolicies && constraints.some((c) => c.honorTaints);
    const sig = [
      ns,
      ...constraints.map((c) => `${c.cacheKey}|${c.topologyKey}`),
      honorAffinity ? JSON.stringify([pod.spec?.nodeSelector, pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution]) : '',
      honorTaints ? JSON.stringify(pod.spec?.tolerations ?? []) : '',
    ].join('\u0000');
    let agg = aggregates.get(sig);
    if (!agg || agg.list !== nodes) {
      if (aggregates.size >= 32) aggregates.clear();
      agg = { list: nodes, perNode: new Map(), counts: constraints.map(() => new Map()), nodesIn: constraints.map(() => new Map()) };
      aggregates.set(sig, agg);
    }
    const { perNode, counts, nodesIn } = agg;
    for (const node of nodes) {
      const prev = perNode.get(node);
      if (prev && prev.gen === node.generation) continue;
      if (prev?.domains) {
        prev.domains.forEach((d, i) => {
          const m = counts[i] as Map<string, number>;
          const k = nodesIn[i] as Map<string, number>;
          const left = (k.get(d) ?? 0) - 1;
          // A domain exists while an eligible node is in it (even with 0 matching pods).
          if (left <= 0) {
            k.delete(d);
            m.delete(d);
          } else {
            k.set(d, left);
            m.set(d, (m.get(d) ?? 0) - (prev.counts[i] ?? 0));
          }
        });
      }
      const labels = node.labels;
      let eligible = constraints.every((c) => labels[c.topologyKey] !== undefined);
      if (eligible && honorAffinity && !nodeMatchesPodNodeAffinity(pod, node.node)) eligible = false;
      if (eligible && honorTaints && firstUntoleratedTaint(pod, node.node)) eligible = false;
      const next: Contribution = { gen: node.generation, domains: undefined, counts: [] };
      if (eligible) {
        next.domains = constraints.map((c) => labels[c.topologyKey] as string);
        next.counts = constraints.map((c) => countOn(node, c, ns));
        next.domains.forEach((d, i) => {
          const m = counts[i] as Map<string, number>;
          const k = nodesIn[i] as Map<string, number>;
          k.set(d, (k.get(d) ?? 0) + 1);
          m.set(d, (m.get(d) ?? 0) + (next.counts[i] ?? 0));
        });
      }
      perNode.set(node, next);
    }
    const minMatch = constraints.map((c, i) => {
      const m = counts[i] as Map<string, number>;
      if (m.size < c.minDomains) return 0;
      let min = Infinity;
      for (const v of m.values()) if (v < min) min = v;
      return min === Infinity ? 0 : min;
    });
    const self = { metadata: { labels: podLabels(pod) } } as Pod;
    return { constraints, counts, minMatch, selfMatch: constraints.map((c) => (c.matches(self) ? 1 : 0)) };
  };

  return {
    name: POD_TOPOLOGY_SPREAD,
    preFilter: (state, pod, nodes) => {
      const hard = buildConstraints(pod, defaults).filter((c) => c.hard);
      if (hard.length === 0) return { status: SKIP };
      state.write(FILTER_KEY, compute(pod, hard, nodes, true));
      return { status: SUCCESS };
    },
    filter: (state, _pod, node) => {
      const s = state.read<SpreadState>(FILTER_KEY);
      if (!s) return SUCCESS;
      return spreadFilter(s, node);
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
export function spreadFilter(s: SpreadState, node: NodeInfo): Status {
  const labels = node.labels;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as Constraint;
    const v = labels[c.topologyKey];
    if (v === undefined) return MISSING;
    const self = s.selfMatch[i] ?? 0;
    const count = (s.counts[i] as Map<string, number>).get(v) ?? 0;
    const skew = count + self - (s.minMatch[i] ?? 0);
    if (skew > c.maxSkew) return SKEW;
  }
  return SUCCESS;
}

export type { SpreadState, CycleState };
