import type { Lease } from '../api/coordination/v1/lease.js';
import { realClock, type Clock, type Timer } from './clock.js';
import { jsonLogger, type Logger } from './logger.js';
import { microTime } from './micro-time.js';
import type { NamespaceOption, WriteOptions } from './resource-client.js';
import { isAlreadyExists, isConflict, isNotFound } from './status-error.js';

/** The verbs leader election needs on coordination.k8s.io/v1 Leases (a ResourceClient<Lease> is one). */
export interface LeaseClient {
  get(name: string, options: NamespaceOption): Promise<Lease>;
  create(obj: Lease, options?: WriteOptions): Promise<Lease>;
  update(obj: Lease, options?: WriteOptions): Promise<Lease>;
}

export interface LeaderElectionConfig {
  leases: LeaseClient;
  /** Where the lock lives, e.g. kube-system/kube-scheduler. */
  namespace: string;
  name: string;
  /** Unique per candidate (hostname + random suffix, as Kubernetes components do). */
  identity: string;
  /** How long a lease is valid after its last renewal as seen by others (default 15 s). */
  leaseDurationMs?: number;
  /** The leader gives up if it could not renew for this long (default 10 s; < leaseDuration). */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Called when this candidate becomes leader; the signal aborts when leadership ends. */
  onStartedLeading: (signal: AbortSignal) => void;
  /** Called when leadership ends (lost or released). Work started by onStartedLeading must stop. */
  onStoppedLeading: () => void;
  /** Called whenever a different holder is observed (including this candidate). */
  onNewLeader?: (identity: string) => void;
  /** Give the lease up on stop() so another candidate takes over at once (default true). */
  releaseOnCancel?: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Jitter source for the acquire loop (default Math.random). */
  random?: () => number;
}

const JITTER_FACTOR = 1.2;

/**
 * Leader election on a Lease, as client-go's leaderelection: optimistic concurrency on
 * the Lease's resourceVersion; a candidate takes the lease only once the holder has not
 * renewed it for leaseDuration, measured on the candidate's own clock from when it last
 * saw the lease change (so clocks need not agree). After losing leadership the elector is
 * a candidate again.
 */
export class LeaderElector {
  private readonly cfg: Required<Omit<LeaderElectionConfig, 'onNewLeader' | 'clock' | 'logger' | 'random'>> & Pick<LeaderElectionConfig, 'onNewLeader'>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private observed: { lease: Lease; at: number } | undefined;
  private leading = false;
  private leaderAbort: AbortController | undefined;
  private lastLeader = '';
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(config: LeaderElectionConfig) {
    const leaseDurationMs = config.leaseDurationMs ?? 15_000;
    const renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
    const retryPeriodMs = config.retryPeriodMs ?? 2_000;
    if (!config.identity) throw new Error('leader election: identity is required');
    if (!(leaseDurationMs > renewDeadlineMs)) throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    if (!(renewDeadlineMs > JITTER_FACTOR * retryPeriodMs)) throw new Error('leader election: renewDeadline must be greater than 1.2 × retryPeriod');
    this.cfg = { ...config, leaseDurationMs, renewDeadlineMs, retryPeriodMs, releaseOnCancel: config.releaseOnCancel ?? true };
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? jsonLogger('leader-election');
    this.random = config.random ?? Math.random;
  }

  /** Starts campaigning in the background. Idempotent. */
  start(): void {
    if (!this.loop && !this.stopped) this.loop = this.run();
  }

  /** Stops campaigning; if leading, ends leadership (onStoppedLeading) and releases the lease when configured. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed on the lease ('' when none). */
  leader(): string {
    return this.observed?.lease.spec?.holderIdentity ?? '';
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Candidate: try until we hold the lease.
      if (!(await this.tryAcquireOrRenew())) {
        await this.pause(this.cfg.retryPeriodMs * (1 + this.random() * JITTER_FACTOR));
        continue;
      }
      this.becomeLeader();
      let lastRenew = this.clock.now();
      while (!this.stopped) {
        await this.pause(this.cfg.retryPeriodMs);
        if (this.stopped) break;
        if (await this.tryAcquireOrRenew()) {
          lastRenew = this.clock.now();
          continue;
        }
        const takenBy = this.leader();
        if (takenBy !== '' && takenBy !== this.cfg.identity) {
          this.logger.warn('lease taken by another holder', { lease: this.lockKey(), holder: takenBy });
          break;
        }
        if (this.clock.now() - lastRenew >= this.cfg.renewDeadlineMs) {
          this.logger.warn('failed to renew lease within the renew deadline', { lease: this.lockKey(), renewDeadlineMs: this.cfg.renewDeadlineMs });
          break;
        }
      }
      if (this.stopped && this.cfg.releaseOnCancel) await this.release();
      this.endLeadership();
    }
  }

  /** One attempt; true when this candidate holds the lease afterwards. Never throws. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.cfg;
    const now = this.clock.now();
    const spec = (acquireTime: string, transitions: number) => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.max(1, Math.round(this.cfg.leaseDurationMs / 1000)),
      acquireTime,
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    let current: Lease;
    try {
      current = await this.cfg.leases.get(name, { namespace });
    } catch (err) {
      if (!isNotFound(err)) {
        this.logger.warn('cannot read lease', { lease: this.lockKey(), error: err });
        return false;
      }
      try {
        const created = await this.cfg.leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: spec(microTime(now), 0) });
        this.observe(created);
        return true;
      } catch (err2) {
        if (!isAlreadyExists(err2)) this.logger.warn('cannot create lease', { lease: this.lockKey(), error: err2 });
        return false;
      }
    }
    this.observe(current);
    const holder = current.spec?.holderIdentity ?? '';
    const observedAt = this.observed?.at ?? now;
    const durationMs = (current.spec?.leaseDurationSeconds ?? 0) * 1000 || this.cfg.leaseDurationMs;
    if (holder !== '' && holder !== identity && observedAt + durationMs > now) return false;
    const mine = holder === identity;
    const next: Lease = {
      ...current,
      spec: {
        ...current.spec,
        ...spec(mine && current.spec?.acquireTime ? current.spec.acquireTime : microTime(now), (current.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1)),
      },
    };
    try {
      this.observe(await this.cfg.leases.update(next));
      return true;
    } catch (err) {
      if (!isConflict(err)) this.logger.warn('cannot update lease', { lease: this.lockKey(), error: err });
      return false;
    }
  }

  /** Hands the lease back: empty holder, 1 s duration, so candidates take it on their next try. */
  private async release(): Promise<void> {
    const lease = this.observed?.lease;
    if (!lease || lease.spec?.holderIdentity !== this.cfg.identity) return;
    const now = microTime(this.clock.now());
    try {
      await this.cfg.leases.update({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now } });
      this.logger.info('released lease', { lease: this.lockKey(), identity: this.cfg.identity });
    } catch (err) {
      this.logger.warn('cannot release lease', { lease: this.lockKey(), error: err });
    }
  }

  /** Remembers the lease and, when it changed, the local time we saw it change. */
  private observe(lease: Lease): void {
    const prev = this.observed?.lease;
    const changed =
      !prev ||
      prev.metadata?.resourceVersion !== lease.metadata?.resourceVersion ||
      prev.spec?.holderIdentity !== lease.spec?.holderIdentity ||
      prev.spec?.renewTime !== lease.spec?.renewTime;
    if (changed) this.observed = { lease, at: this.clock.now() };
    else this.observed = { lease, at: this.observed?.at ?? this.clock.now() };
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder && holder !== this.lastLeader) {
      this.lastLeader = holder;
      try {
        this.cfg.onNewLeader?.(holder);
      } catch (err) {
        this.logger.error('onNewLeader threw', { error: err });
      }
    }
  }

  private becomeLeader(): void {
    this.leading = true;
    this.leaderAbort = new AbortController();
    this.logger.info('became leader', { lease: this.lockKey(), identity: this.cfg.identity });
    try {
      this.cfg.onStartedLeading(this.leaderAbort.signal);
    } catch (err) {
      this.logger.error('onStartedLeading threw', { error: err });
    }
  }

  private endLeadership(): void {
    if (!this.leading) return;
    this.leading = false;
    this.leaderAbort?.abort();
    this.logger.info('stopped leading', { lease: this.lockKey(), identity: this.cfg.identity });
    try {
      this.cfg.onStoppedLeading();
    } catch (err) {
      this.logger.error('onStoppedLeading threw', { error: err });
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: Timer | undefined = undefined;
      const done = () => {
        timer?.cancel();
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      timer = this.clock.setTimeout(done, ms);
    });
  }

  private lockKey(): string {
    return `${this.cfg.namespace}/${this.cfg.name}`;
  }
}
