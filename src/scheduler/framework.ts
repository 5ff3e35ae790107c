import type { Pod } from '../api/core/v1/pod.js';
import type { CycleState } from './cycle-state.js';
import type { AnyPlugin, BindPlugin, FilterPlugin, Handle, NodeScore, PermitPlugin, PostBindPlugin, PostFilterPlugin, PreBindPlugin, PreFilterPlugin, PreScorePlugin, QueueSortPlugin, ReservePlugin, ScorePlugin } from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import { DEFAULT_WEIGHTS, type ProfileConfig } from './config.js';
import { errorStatus, SUCCESS, type Status } from './status.js';

/** Builds a plugin from the framework handle and its args. */
export type PluginFactory = (ctx: { handle: Handle; args: Record<string, unknown>; framework: Framework }) => AnyPlugin;

/**
 * One profile's plugins, in kube-scheduler's default order, with helpers that run an
 * extension point across them. A plugin that throws is reported as an Error status.
 */
export class Framework {
  readonly schedulerName: string;
  readonly queueSort: QueueSortPlugin | undefined;
  readonly preFilters: PreFilterPlugin[] = [];
  readonly filters: FilterPlugin[] = [];
  readonly postFilters: PostFilterPlugin[] = [];
  readonly preScores: PreScorePlugin[] = [];
  readonly scorers: Array<{ plugin: ScorePlugin; weight: number }> = [];
  readonly reservers: ReservePlugin[] = [];
  readonly permits: PermitPlugin[] = [];
  readonly preBinds: PreBindPlugin[] = [];
  readonly binders: BindPlugin[] = [];
  readonly postBinds: PostBindPlugin[] = [];
  readonly handle: Handle;

  constructor(config: { profile: ProfileConfig; registry: ReadonlyMap<string, PluginFactory>; defaultPlugins: readonly string[]; handle: Handle }) {
    const { profile, registry } = config;
    this.schedulerName = profile.schedulerName;
    this.handle = config.handle;
    const names = profile.disabled.has('*') ? [...profile.enabled] : [...config.defaultPlugins.filter((n) => !profile.disabled.has(n)), ...profile.enabled.filter((n) => !config.defaultPlugins.includes(n))];
    let queueSort: QueueSortPlugin | undefined;
    for (const name of names) {
      const factory = registry.get(name);
      if (!factory) throw new Error(`scheduler profile ${profile.schedulerName}: unknown plugin ${name}`);
      const p = factory({ handle: config.handle, args: profile.pluginArgs[name] ?? {}, framework: this });
      if (p.less && !queueSort) queueSort = p as QueueSortPlugin;
      if (p.preFilter) this.preFilters.push(p as PreFilterPlugin);
      if (p.filter) this.filters.push(p as FilterPlugin);
      if (p.postFilter) this.postFilters.push(p as PostFilterPlugin);
      if (p.preScore) this.preScores.push(p as PreScorePlugin);
      if (p.score) this.scorers.push({ plugin: p as ScorePlugin, weight: profile.weights[name] ?? DEFAULT_WEIGHTS[name] ?? 1 });
      if (p.reserve) this.reservers.push(p as ReservePlugin);
      if (p.permit) this.permits.push(p as PermitPlugin);
      if (p.preBind) this.preBinds.push(p as PreBindPlugin);
      if (p.bind) this.binders.push(p as BindPlugin);
      if (p.postBind) this.postBinds.push(p as PostBindPlugin);
    }
    this.queueSort = queueSort;
  }

  /** Runs PreFilter; returns the first rejection (or Success) and the intersection of node-name restrictions. */
  runPreFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { status: Status; nodeNames?: Set<string> } {
    let names: Set<string> | undefined;
    for (const p of this.preFilters) {
      const r = guard(p.name, () => p.preFilter(state, pod, nodes));
      if ('code' in r) return { status: r };
      if (r.status.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      if (r.status.code !== 'Success') return { status: { ...r.status, plugin: p.name } };
      if (r.nodeNames) names = names ? new Set([...names].filter((n) => r.nodeNames?.has(n))) : r.nodeNames;
    }
    return names ? { status: SUCCESS, nodeNames: names } : { status: SUCCESS };
  }

  /** Runs every Filter on one node; the first non-success status (with its plugin) or Success. */
  runFilters(state: CycleState, pod: Pod, node: NodeInfo): Status {
    const active = (state.activeFilters ??= this.filters.filter((p) => !state.skipFilter.has(p.name))) as FilterPlugin[];
    for (let i = 0; i < active.length; i++) {
      const p = active[i] as FilterPlugin;
      let s: Status;
      try {
        s = p.filter(state, pod, node);
      } catch (err) {
        s = errorStatus(`${p.name}: ${String(err)}`);
      }
      if (s.code !== 'Success') {
        // Plugins return fresh statuses for rejections; only the shared constants are frozen.
        if (!s.plugin) {
          if (Object.isFrozen(s)) return { ...s, plugin: p.name };
          s.plugin = p.name;
        }
        return s;
      }
    }
    return SUCCESS;
  }

  /** Reused NodeScore objects for plugins that normalize (no per-node allocation per cycle). */
  private readonly scratch: NodeScore[] = [];

  /**
   * PreScore, Score, normalization and weights; returns the weighted total per node, in
   * the order of `nodes`. Plugins without normalization add straight into the totals.
   */
  runScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): number[] {
    for (const p of this.preScores) {
      const s = guard(p.name, () => p.preScore(state, pod, nodes));
      if (s.code === 'Skip') state.skipScore.add(p.name);
    }
    const n = nodes.length;
    const totals = new Array<number>(n).fill(0);
    for (const { plugin, weight } of this.scorers) {
      if (weight === 0 || state.skipScore.has(plugin.name)) continue;
      const raw = this.rawScores(plugin, state, pod, nodes);
      if (!plugin.normalizeScore) {
        for (let i = 0; i < n; i++) totals[i] = (totals[i] as number) + (raw[i] as number) * weight;
        continue;
      }
      const scores = this.scoresFor(nodes);
      for (let i = 0; i < n; i++) (scores[i] as NodeScore).score = raw[i] as number;
      plugin.normalizeScore(state, pod, scores);
      for (let i = 0; i < n; i++) totals[i] = (totals[i] as number) + (scores[i] as NodeScore).score * weight;
    }
    return totals;
  }

  private readonly raw: number[] = [];

  /** One plugin's raw scores (reused array): the batch form when it has one, else node by node (a throw scores 0). */
  private rawScores(plugin: ScorePlugin, state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): number[] {
    const out = this.raw;
    out.length = nodes.length;
    if (plugin.scoreAll) {
      try {
        plugin.scoreAll(state, pod, nodes, out);
        return out;
      } catch {
        // Fall through: per node, so only the node that throws scores 0.
      }
    }
    for (let i = 0; i < nodes.length; i++) out[i] = safeScore(plugin, state, pod, nodes[i] as NodeInfo);
    return out;
  }

  private scoresFor(nodes: readonly NodeInfo[]): NodeScore[] {
    const s = this.scratch;
    if (s.length > nodes.length) s.length = nodes.length;
    for (let i = 0; i < nodes.length; i++) {
      const name = (nodes[i] as NodeInfo).name;
      const e = s[i];
      if (e) {
        e.name = name;
        e.score = 0;
      } else s.push({ name, score: 0 });
    }
    return s;
  }
}

/** A plugin's raw score; a throw counts as 0. */
function safeScore(plugin: ScorePlugin, state: CycleState, pod: Pod, node: NodeInfo): number {
  try {
    return plugin.score(state, pod, node);
  } catch {
    return 0;
  }
}

function guard<T>(plugin: string, fn: () => T): T | Status {
  try {
    return fn();
  } catch (err) {
    return { ...errorStatus(`${plugin}: ${String(err)}`), plugin };
  }
}
