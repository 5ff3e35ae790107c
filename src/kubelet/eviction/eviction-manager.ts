/**
 * The kubelet's eviction manager loop: every monitoring interval it reads the signals,
 * runs decideEviction (decide.ts) and applies the outcome — the pressure conditions the
 * node reports and at most one pod evicted.
 */
import type { Pod } from '../../api/core/v1/pod.js';
import type { Clock, Timer } from '../../client/clock.js';
import type { Logger } from '../../client/logger.js';
import { decideEviction, emptyEvictionState, thresholdsMet, type EvictionChoice, type EvictionDecision, type EvictionState } from './decide.js';
import type { StatsFn } from './ranking.js';
import type { Observations } from './signals.js';
import { SIGNAL_RESOURCE, describeThreshold, type PressureCondition, type Threshold } from './thresholds.js';

/** The eviction flags, parsed. */
export interface EvictionSettings {
  thresholds: Threshold[];
  /** --eviction-pressure-transition-period (upstream: 5m). */
  transitionPeriodMs: number;
  /** --eviction-max-pod-grace-period (upstream: 0). */
  maxPodGracePeriodSeconds: number;
  /** How often signals are read (upstream's housekeeping: 10 s). */
  monitoringIntervalMs: number;
}

export const DEFAULT_TRANSITION_PERIOD_MS = 5 * 60_000;
export const DEFAULT_MONITORING_INTERVAL_MS = 10_000;

export interface EvictionManagerConfig {
  settings: EvictionSettings;
  observe: () => Promise<Observations>;
  /** The node's pods that still run. */
  activePods: () => Pod[];
  /** Pods' usage; disk figures (a directory walk) only when `disk` is asked for. */
  usage: (pods: readonly Pod[], disk: boolean) => Promise<StatsFn>;
  /** Kills the pod and records it as evicted; must not throw for a pod that is already gone. */
  evict: (choice: EvictionChoice) => Promise<void>;
  /** Called after a pass whose pressure conditions differ from the previous pass's. */
  conditionsChanged: (now: ReadonlySet<PressureCondition>, before: ReadonlySet<PressureCondition>) => void;
  clock: Clock;
  logger: Logger;
}

export class EvictionManager {
  private state: EvictionState = emptyEvictionState();
  private current: ReadonlySet<PressureCondition> = new Set();
  private timer: Timer | undefined;
  private stopped = false;

  constructor(private readonly config: EvictionManagerConfig) {}

  /** The pressure conditions of the last pass (none before the first). */
  conditions(): ReadonlySet<PressureCondition> {
    return this.current;
  }

  /** Runs a pass now, then one every monitoring interval until stop(). */
  start(): void {
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      await this.synchronize().catch((err: unknown) => this.config.logger.warn('eviction pass failed', { error: String(err) }));
      if (!this.stopped) this.timer = this.config.clock.setTimeout(() => void loop(), this.config.settings.monitoringIntervalMs);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** One pass: observe, decide, report, evict. Resolves once the evicted pod (if any) is killed. */
  async synchronize(): Promise<EvictionDecision> {
    const { settings, clock, logger } = this.config;
    const observations = await this.config.observe();
    const pods = this.config.activePods();
    // Usage is read only when some threshold is (or was) crossed: most passes cost a few small reads.
    const crossed = [...thresholdsMet(settings.thresholds, observations, false), ...thresholdsMet(this.state.thresholdsMet, observations, true)];
    const disk = crossed.some((t) => SIGNAL_RESOURCE[t.signal] === 'ephemeral-storage' || SIGNAL_RESOURCE[t.signal] === 'inodes');
    const stats: StatsFn = crossed.length > 0 ? await this.config.usage(pods, disk) : () => undefined;
    const decision = decideEviction({ thresholds: settings.thresholds, observations, pods, stats, now: clock.now(), state: this.state, transitionPeriodMs: settings.transitionPeriodMs, maxPodGracePeriodSeconds: settings.maxPodGracePeriodSeconds });
    this.state = decision.state;
    const before = this.current;
    this.current = decision.conditions;
    if (before.size !== decision.conditions.size || [...before].some((c) => !decision.conditions.has(c))) {
      logger.info('node pressure changed', { pressure: [...decision.conditions], thresholds: decision.met.map(describeThreshold) });
      this.config.conditionsChanged(decision.conditions, before);
    }
    const e = decision.evict;
    if (e) {
      const key = `${e.pod.metadata?.namespace}/${e.pod.metadata?.name}`;
      const started = clock.now();
      await this.config.evict(e);
      logger.info('evicted pod', { pod: key, threshold: describeThreshold(e.threshold), gracePeriodSeconds: e.gracePeriodSeconds, durationMs: clock.now() - started });
    } else if (decision.met.length > 0 && pods.length > 0) {
      logger.info('eviction threshold met but no pod may be evicted', { thresholds: decision.met.map(describeThreshold) });
    }
    return decision;
  }
}
