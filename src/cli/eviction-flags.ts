import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseGoDuration } from '../apiserver/http/timeout.js';
import { DEFAULT_EVICTION_HARD, DEFAULT_MONITORING_INTERVAL_MS, DEFAULT_TRANSITION_PERIOD_MS, parseThresholdConfig, ThresholdError, type EvictionSettings } from '../kubelet/eviction/index.js';
import { parseStatementMap, parseThresholdStatement } from '../kubelet/eviction/thresholds.js';

/**
 * The kubelet's node-pressure eviction flags, with upstream's names, syntax and defaults
 * (`--eviction-hard memory.available<100Mi,nodefs.available<10%`, Go durations), on
 * `skiff up` and `skiff agent`. Each flag is checked as it is read; what needs several
 * (a soft threshold's grace period) is checked by evictionSettings.
 */
export interface EvictionFlags {
  evictionHard: string;
  evictionSoft?: string;
  evictionSoftGracePeriod?: string;
  evictionMinimumReclaim?: string;
  evictionPressureTransitionPeriod: number;
  evictionMaxPodGracePeriod: number;
  evictionMonitoringInterval: number;
}

/** Rethrows a ThresholdError as commander's argument error (one line: "error: option … is invalid. <reason>"). */
function checked<T>(fn: (v: string) => T): (v: string) => T {
  return (v) => {
    try {
      return fn(v);
    } catch (err) {
      if (err instanceof ThresholdError) throw new InvalidArgumentError(err.message);
      throw err;
    }
  };
}

const thresholdList = checked((v: string) => {
  for (const [k, val] of parseStatementMap(v, '<')) parseThresholdStatement(k, val);
  return v;
});
const signalMap = checked((v: string) => (parseStatementMap(v, '='), v));

function goDuration(v: string): number {
  const ms = parseGoDuration(v);
  if (ms === undefined || ms < 0) throw new InvalidArgumentError('must be a duration such as 5m0s, 30s or 500ms.');
  return ms;
}

function wholeSeconds(v: string): number {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('must be a whole number of seconds.');
  return Number(v);
}

export function addEvictionOptions(cmd: Command): Command {
  return cmd
    .option('--eviction-hard <signal<value,…>', 'hard eviction thresholds: a pod is killed at once while one is crossed (signals: memory.available, nodefs.available, nodefs.inodesFree, imagefs.available, imagefs.inodesFree, pid.available; values a quantity or a percentage of capacity; "" for none)', thresholdList, DEFAULT_EVICTION_HARD)
    .option('--eviction-soft <signal<value,…>', 'soft eviction thresholds: evict only once one has held for its --eviction-soft-grace-period', thresholdList)
    .option('--eviction-soft-grace-period <signal=duration,…>', 'how long each soft threshold must hold before a pod is evicted (e.g. memory.available=1m30s)', signalMap)
    .option('--eviction-minimum-reclaim <signal=value,…>', 'once evicting for a signal, keep on until this much more than its threshold is available (e.g. memory.available=0Mi,nodefs.available=500Mi)', signalMap)
    .addOption(new Option('--eviction-pressure-transition-period <duration>', 'how long a pressure condition stays True after its threshold was last crossed').argParser(goDuration).default(DEFAULT_TRANSITION_PERIOD_MS, '5m0s'))
    .option('--eviction-max-pod-grace-period <seconds>', 'the most grace a soft eviction gives a pod (negative: the pod\'s own)', wholeSeconds, 0)
    .addOption(new Option('--eviction-monitoring-interval <duration>', 'how often the eviction signals are read (upstream\'s housekeeping interval)').argParser(goDuration).default(DEFAULT_MONITORING_INTERVAL_MS, '10s'));
}

/** The kubelet's eviction settings from the flags; throws ThresholdError (one line, upstream's words). */
export function evictionSettings(f: EvictionFlags): EvictionSettings {
  return {
    thresholds: parseThresholdConfig({
      hard: f.evictionHard,
      ...(f.evictionSoft !== undefined ? { soft: f.evictionSoft } : {}),
      ...(f.evictionSoftGracePeriod !== undefined ? { softGracePeriod: f.evictionSoftGracePeriod } : {}),
      ...(f.evictionMinimumReclaim !== undefined ? { minimumReclaim: f.evictionMinimumReclaim } : {}),
    }),
    transitionPeriodMs: f.evictionPressureTransitionPeriod,
    maxPodGracePeriodSeconds: f.evictionMaxPodGracePeriod,
    monitoringIntervalMs: Math.max(100, f.evictionMonitoringInterval),
  };
}
