import type { Pod } from '../api/core/v1/pod.js';
import type { Clock, Timer } from '../client/clock.js';
import type { QueuedPod } from './interfaces.js';
import { podKey } from './node-info.js';

/** Cluster events that can make an unschedulable pod schedulable. */
export type ClusterEvent = 'NodeAdd' | 'NodeUpdate' | 'AssignedPodDelete' | 'AssignedPodAdd' | 'AssignedPodUpdate' | 'VolumeChange';

export interface SchedulingQueueConfig {
  less: (a: QueuedPod, b: QueuedPod) => boolean;
  priorityOf: (pod: Pod) => number;
  clock: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pods left unschedulable this long are retried anyway (kube: 5 min). */
  maxUnschedulableMs?: number;
}

/** A binary heap ordered by `less`, with removal by key. */
class Heap {
  private readonly items: QueuedPod[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly less: (a: QueuedPod, b: QueuedPod) => boolean) {}
  get size(): number { return this.items.length; }
  has(key: string): boolean { return this.index.has(key); }
  get(key: string): QueuedPod | undefined { const i = this.index.get(key); return i === undefined ? undefined : this.items[i]; }
  peek(): QueuedPod | undefined { return this.items[0]; }
  push(q: QueuedPod): void {
    if (this.index.has(q.key)) this.remove(q.key);
    this.items.push(q);
    this.index.set(q.key, this.items.length - 1);
    this.up(this.items.length - 1);
  }
  pop(): QueuedPod | undefined {
    const top = this.items[0];
    if (top) this.remove(top.key);
    return top;
  }
  remove(key: string): QueuedPod | undefined {
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    const it = this.items[i] as QueuedPod;
    const last = this.items.pop() as QueuedPod;
    this.index.delete(key);
    if (i < this.items.length) {
      this.items[i] = last;
      this.index.set(last.key, i);
      this.down(i);
      this.up(i);
    }
    return it;
  }
  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.items[i] as QueuedPod, this.items[p] as QueuedPod)) break;
      this.swap(i, p);
      i = p;
    }
  }
  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.items[l] as QueuedPod, this.items[m] as QueuedPod)) m = l;
      if (r < n && this.less(this.items[r] as QueuedPod, this.items[m] as QueuedPod)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
  private swap(a: number, b: number): void {
    const x = this.items[a] as QueuedPod;
    const y = this.items[b] as QueuedPod;
    this.items[a] = y;
    this.items[b] = x;
    this.index.set(y.key, a);
    this.index.set(x.key, b);
  }
}

/**
 * kube-scheduler's three queues: activeQ (ready to try, by priority then age), backoffQ
 * (failed recently; 1 s doubling to 10 s per attempt) and unschedulable (waiting for a
 * cluster event that could help). A pod that failed while an event arrived mid-cycle goes
 * to backoff instead of unschedulable, so the event is not lost.
 */
export class SchedulingQueue {
  private readonly cfg: Required<SchedulingQueueConfig>;
  private readonly active: Heap;
  private readonly backoff: Heap;
  private readonly unschedulablePods = new Map<string, QueuedPod>();
  /** Keys being scheduled right now (popped, not yet done). */
  private readonly inFlight = new Map<string, QueuedPod>();
  private waiters: Array<(q: QueuedPod | undefined) => void> = [];
  private backoffTimer: Timer | undefined;
  private flushTimer: Timer | undefined;
  private closed = false;
  schedulingCycle = 0;
  private moveRequestCycle = -1;

  constructor(config: SchedulingQueueConfig) {
    this.cfg = { initialBackoffMs: 1000, maxBackoffMs: 10_000, maxUnschedulableMs: 300_000, ...config };
    this.active = new Heap(this.cfg.less);
    this.backoff = new Heap((a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.scheduleFlush();
  }

  /** Adds (or refreshes) an unscheduled pod as active. */
  add(pod: Pod): void {
    const key = podKey(pod);
    const existing = this.active.get(key) ?? this.backoff.get(key) ?? this.unschedulablePods.get(key) ?? this.inFlight.get(key);
    if (existing) {
      this.update(pod);
      return;
    }
    const now = this.cfg.clock.now();
    this.pushActive({ pod, key, priority: this.cfg.priorityOf(pod), timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() });
  }

  /** A pod changed: an unschedulable pod whose spec changed may fit now, so it is retried. */
  update(pod: Pod): void {
    const key = podKey(pod);
    const inActive = this.active.get(key);
    if (inActive) {
      inActive.pod = pod;
      inActive.priority = this.cfg.priorityOf(pod);
      this.active.push(inActive);
      return;
    }
    const inBackoff = this.backoff.get(key);
    if (inBackoff) {
      inBackoff.pod = pod;
      return;
    }
    const u = this.unschedulablePods.get(key);
    if (u) {
      const specChanged = JSON.stringify(u.pod.spec) !== JSON.stringify(pod.spec) || JSON.stringify(u.pod.metadata?.labels) !== JSON.stringify(pod.metadata?.labels);
      u.pod = pod;
      if (specChanged) {
        this.unschedulablePods.delete(key);
        this.toActiveOrBackoff(u);
      }
      return;
    }
    const f = this.inFlight.get(key);
    if (f) f.pod = pod;
  }

  delete(pod: Pod): void {
    const key = podKey(pod);
    this.active.remove(key);
    this.backoff.remove(key);
    this.unschedulablePods.delete(key);
  }

  /** The next pod to schedule; waits while activeQ is empty; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const q = this.active.pop();
    if (q) return Promise.resolve(this.take(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Scheduling of a popped pod is over (bound, or failed and requeued). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * Puts back a pod that could not be scheduled. Unless a cluster event arrived while it
   * was being scheduled, it waits in unschedulable for one; otherwise it backs off.
   */
  addUnschedulable(q: QueuedPod, podCycle: number): void {
    this.inFlight.delete(q.key);
    q.timestamp = this.cfg.clock.now();
    if (this.moveRequestCycle >= podCycle) this.pushBackoff(q);
    else this.unschedulablePods.set(q.key, q);
  }

  /** Requeues a pod after an error (not a fit failure): straight to backoff. */
  addBackoff(q: QueuedPod): void {
    this.inFlight.delete(q.key);
    q.timestamp = this.cfg.clock.now();
    this.pushBackoff(q);
  }

  /**
   * A cluster event happened: unschedulable pods it could help go back to active (or
   * backoff if their backoff has not expired). `filter` narrows which pods are moved.
   */
  moveAllOnEvent(_event: ClusterEvent, filter?: (q: QueuedPod) => boolean): void {
    for (const [key, q] of this.unschedulablePods) {
      if (filter && !filter(q)) continue;
      this.unschedulablePods.delete(key);
      this.toActiveOrBackoff(q);
    }
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** Counts for tests and metrics. */
  sizes(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulablePods.size, inFlight: this.inFlight.size };
  }

  close(): void {
    this.closed = true;
    this.backoffTimer?.cancel();
    this.flushTimer?.cancel();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  backoffDurationMs(q: QueuedPod): number {
    let d = this.cfg.initialBackoffMs;
    for (let i = 1; i < q.attempts && d < this.cfg.maxBackoffMs; i++) d *= 2;
    return Math.min(d, this.cfg.maxBackoffMs);
  }

  private backoffExpiry(q: QueuedPod): number {
    return q.timestamp + this.backoffDurationMs(q);
  }

  private toActiveOrBackoff(q: QueuedPod): void {
    if (this.backoffExpiry(q) > this.cfg.clock.now()) this.pushBackoff(q);
    else this.pushActive(q);
  }

  private take(q: QueuedPod): QueuedPod {
    q.attempts++;
    q.attemptStartedAt = this.cfg.clock.now();
    this.schedulingCycle++;
    this.inFlight.set(q.key, q);
    return q;
  }

  private pushActive(q: QueuedPod): void {
    const w = this.waiters.shift();
    if (w) w(this.take(q));
    else this.active.push(q);
  }

  private pushBackoff(q: QueuedPod): void {
    this.backoff.push(q);
    this.armBackoff();
  }

  private armBackoff(): void {
    if (this.closed) return;
    const head = this.backoff.peek();
    this.backoffTimer?.cancel();
    this.backoffTimer = undefined;
    if (!head) return;
    const wait = Math.max(0, this.backoffExpiry(head) - this.cfg.clock.now());
    this.backoffTimer = this.cfg.clock.setTimeout(() => {
      const now = this.cfg.clock.now();
      for (let h = this.backoff.peek(); h && this.backoffExpiry(h) <= now; h = this.backoff.peek()) {
        this.backoff.pop();
        this.pushActive(h);
      }
      this.armBackoff();
    }, wait);
  }

  private scheduleFlush(): void {
    if (this.closed) return;
    this.flushTimer = this.cfg.clock.setTimeout(() => {
      const now = this.cfg.clock.now();
      for (const [key, q] of this.unschedulablePods) {
        if (now - q.timestamp >= this.cfg.maxUnschedulableMs) {
          this.unschedulablePods.delete(key);
          this.toActiveOrBackoff(q);
        }
      }
      this.scheduleFlush();
    }, 30_000);
  }
}
