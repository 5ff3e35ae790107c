/**
 * Pod starts and status before Events. A burst of pod starts makes ~3 Events per
 * container; written as they come they would reach the API server ahead of the status
 * patches that make the pods Running, and take its CPU while it should be serving the pod
 * creates, watches and patches. As in Kubernetes, where the kubelet's event broadcaster
 * writes from its own queue at its own pace, Events here wait in a queue: at most
 * `concurrency` in flight, none while priority work is under way — a status write, or a
 * pod start whose first status is not posted yet (PriorityGate.hold) — and, in a burst
 * (`burstQueue` Events waiting), none for `quietMs` after it either — unless the oldest
 * has waited `maxDelayMs`, so Events are late under load, never lost. Outside bursts an
 * Event goes as soon as no priority work is under way, as it did before.
 */
import type { Event } from '../api/core/v1/event.js';
import type { Clock, Timer } from '../client/clock.js';
import type { EventClient } from '../client/event-recorder.js';
import type { PatchOptions, PatchType, WriteOptions } from '../client/resource-client.js';

/** Counts the work that goes first (status patches, pod starts); the sink waits for it to be idle. */
export class PriorityGate {
  private busy = 0;
  private readonly waiters = new Set<() => void>();
  /** When the last priority work ended (-Infinity: none yet). */
  idleSince = -Infinity;

  constructor(private readonly clock: Clock) {}

  /** Runs `write` as a priority write: queued Events wait until it and its peers are done. */
  async run<T>(write: () => Promise<T>): Promise<T> {
    const release = this.hold();
    try {
      return await write();
    } finally {
      release();
    }
  }

  /**
   * Marks priority work that spans more than one write (a pod start, until its status is
   * posted): Events wait until the returned function is called. Calling it again does nothing.
   */
  hold(): () => void {
    this.busy++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--this.busy === 0) {
        this.idleSince = this.clock.now();
        for (const w of [...this.waiters]) w();
      }
    };
  }

  idle(): boolean {
    return this.busy === 0;
  }

  /** Calls fn (once) the next time the gate becomes idle; returns an unsubscribe. */
  onIdle(fn: () => void): () => void {
    const once = (): void => {
      this.waiters.delete(once);
      fn();
    };
    this.waiters.add(once);
    return () => this.waiters.delete(once);
  }
}

interface Queued {
  at: number;
  write: () => Promise<unknown>;
  resolve(v: unknown): void;
  reject(err: unknown): void;
}

export interface DeferredEventClientConfig {
  events: EventClient;
  gate: PriorityGate;
  clock: Clock;
  /** Event writes in flight at once (default 2). */
  concurrency?: number;
  /** In a burst, how long the gate must have been idle before Events go (default 250 ms). */
  quietMs?: number;
  /** Events waiting that make a burst (default 8). */
  burstQueue?: number;
  /** The longest an Event waits for the gate (default 5 s). */
  maxDelayMs?: number;
}

/** An EventClient whose writes queue behind the gate's priority writes (see the file comment). */
export class DeferredEventClient implements EventClient {
  private readonly queue: Queued[] = [];
  private inFlight = 0;
  private readonly concurrency: number;
  private readonly maxDelayMs: number;
  private readonly quietMs: number;
  private readonly burstQueue: number;
  private timer: Timer | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly cfg: DeferredEventClientConfig) {
    this.concurrency = Math.max(1, cfg.concurrency ?? 2);
    this.maxDelayMs = Math.max(0, cfg.maxDelayMs ?? 5000);
    this.quietMs = Math.max(0, cfg.quietMs ?? 250);
    this.burstQueue = Math.max(1, cfg.burstQueue ?? 8);
  }

  create(obj: Event, options?: WriteOptions): Promise<Event> {
    return this.enqueue(() => this.cfg.events.create(obj, options));
  }

  patch(name: string, patch: unknown, type: PatchType, options?: PatchOptions): Promise<Event> {
    return this.enqueue(() => this.cfg.events.patch(name, patch, type, options));
  }

  /** Writes waiting or in flight. */
  pending(): number {
    return this.queue.length + this.inFlight;
  }

  private enqueue<T>(write: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ at: this.cfg.clock.now(), write, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const head = this.queue[0] as Queued;
      const now = this.cfg.clock.now();
      const waited = now - head.at;
      const gate = this.cfg.gate;
      const quiet = this.queue.length >= this.burstQueue ? this.quietMs : 0;
      const quietLeft = gate.idle() ? quiet - (now - gate.idleSince) : Infinity;
      if (waited < this.maxDelayMs && quietLeft > 0) {
        this.waitFor(Math.min(this.maxDelayMs - waited, quietLeft));
        return;
      }
      this.queue.shift();
      this.inFlight++;
      head.write().then(head.resolve, head.reject).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Pumps again when the gate goes idle or `ms` have passed, whichever is first. */
  private waitFor(ms: number): void {
    if (this.timer || this.unsubscribe) return;
    const again = (): void => {
      this.timer?.cancel();
      this.timer = undefined;
      this.unsubscribe?.();
      this.unsubscribe = undefined;
      this.pump();
    };
    this.unsubscribe = this.cfg.gate.onIdle(again);
    this.timer = this.cfg.clock.setTimeout(again, ms);
  }
}
