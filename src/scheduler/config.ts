import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/**
 * A scheduler profile, read from a KubeSchedulerConfiguration-shaped file:
 *
 *   profiles:
 *   - schedulerName: default-scheduler
 *     plugins:
 *       score:
 *         enabled: [{ name: NodeResourcesFit, weight: 5 }]
 *         disabled: [{ name: NodeResourcesBalancedAllocation }]
 *     pluginConfig:
 *     - name: NodeResourcesFit
 *       args: { scoringStrategy: { type: MostAllocated } }
 *   percentageOfNodesToScore: 0   # 0 = adaptive, as kube-scheduler
 *
 * A plugin disabled at any extension point (or via `multiPoint`) is disabled everywhere;
 * `'*'` disables every default plugin; a weight given anywhere sets its score weight.
 */
export interface ProfileConfig {
  schedulerName: string;
  disabled: Set<string>;
  /** Plugins enabled on top of the defaults (by name), in order. */
  enabled: string[];
  weights: Record<string, number>;
  pluginArgs: Record<string, Record<string, unknown>>;
}

export interface SchedulerConfig {
  profiles: ProfileConfig[];
  /** 0 (default) = adaptive; else the percentage of nodes to find feasible before scoring. */
  percentageOfNodesToScore: number;
  /** Initial and maximum pod backoff (kube: 1 s and 10 s). */
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
}

export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  TaintToleration: 3,
  NodeAffinity: 2,
  PodTopologySpread: 2,
  InterPodAffinity: 2,
  NodeResourcesFit: 1,
  NodeResourcesBalancedAllocation: 1,
};

export function defaultProfile(schedulerName = 'default-scheduler'): ProfileConfig {
  return { schedulerName, disabled: new Set(), enabled: [], weights: { ...DEFAULT_WEIGHTS }, pluginArgs: {} };
}

export function defaultConfig(): SchedulerConfig {
  return { profiles: [defaultProfile()], percentageOfNodesToScore: 0, podInitialBackoffMs: 1000, podMaxBackoffMs: 10_000 };
}

interface RawPluginSet {
  enabled?: Array<{ name: string; weight?: number }>;
  disabled?: Array<{ name: string }>;
}

/** Parses a config document (YAML or JSON). Throws with a readable message on bad input. */
export function parseSchedulerConfig(text: string): SchedulerConfig {
  const raw = (parseYaml(text) ?? {}) as Record<string, unknown>;
  const cfg = defaultConfig();
  if (typeof raw.percentageOfNodesToScore === 'number') cfg.percentageOfNodesToScore = raw.percentageOfNodesToScore;
  if (typeof raw.podInitialBackoffSeconds === 'number') cfg.podInitialBackoffMs = raw.podInitialBackoffSeconds * 1000;
  if (typeof raw.podMaxBackoffSeconds === 'number') cfg.podMaxBackoffMs = raw.podMaxBackoffSeconds * 1000;
  const profiles = Array.isArray(raw.profiles) ? (raw.profiles as Array<Record<string, unknown>>) : [];
  if (profiles.length > 0) cfg.profiles = [];
  for (const p of profiles) {
    const prof = defaultProfile(typeof p.schedulerName === 'string' ? p.schedulerName : 'default-scheduler');
    const plugins = (p.plugins ?? {}) as Record<string, RawPluginSet>;
    for (const set of Object.values(plugins)) {
      for (const d of set?.disabled ?? []) prof.disabled.add(d.name);
      for (const e of set?.enabled ?? []) {
        if (!e?.name) throw new Error('scheduler config: an enabled plugin needs a name');
        if (!prof.enabled.includes(e.name)) prof.enabled.push(e.name);
        if (typeof e.weight === 'number') prof.weights[e.name] = e.weight;
      }
    }
    for (const pc of (Array.isArray(p.pluginConfig) ? p.pluginConfig : []) as Array<{ name?: string; args?: Record<string, unknown> }>) {
      if (pc?.name) prof.pluginArgs[pc.name] = pc.args ?? {};
    }
    cfg.profiles.push(prof);
  }
  return cfg;
}

export function loadSchedulerConfig(path: string): SchedulerConfig {
  return parseSchedulerConfig(readFileSync(path, 'utf8'));
}
