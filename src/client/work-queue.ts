import { realClock, type Clock, type Timer } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

/**
 * The controller work queue (client-go's rate-limiting delaying workqueue), with its hard
 * semantics in one place:
 * - a key waiting in the queue is stored once however often it is added (dedupe);
 * - a key being processed (between get() and done()) is never handed out again until
 *   done(); if it was added meanwhile it is queued again at done(), so no change is lost;
 * - addAfter() delays an add (the earliest requested time wins for a key already waiting);
 * - addRateLimited() delays by the rate limiter (per-key exponential backoff plus an
 *   overall bucket); forget() resets the key's backoff after a success;
 * - shutDown() stops at once; shutDownWithDrain() finishes queued and in-flight keys.
 */
export class WorkQueue<K = string> {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { at: number; timer: Timer }>();
  private readonly getters: Array<(key: K | undefined) => void> = [];
  private drainWaiters: Array<() => void> = [];
  private shuttingDown = false;
  private draining = false;

  constructor(config: { clock?: Clock; rateLimiter?: RateLimiter<K> } = {}) {
    this.clock = config.clock ?? realClock;
    this.rateLimiter = config.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  /** Queues key unless it is already queued (or the queue is shutting down). */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // re-queued by done()
    this.push(key);
  }

  /** Queues key after ms; ms <= 0 adds now. A key already waiting keeps the earlier time. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      const current = this.waiting.get(key);
      if (current?.timer !== timer) return;
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Queues key after the rate limiter's delay (counts one more failure for key). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Clears key's failure history (its next addRateLimited starts from the base delay). */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  /** Failures recorded for key since its last forget(). */
  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * Waits for the next key and marks it processing; the caller must call done(key).
   * Resolves undefined once the queue is shut down (after a drain: once it is empty).
   */
  get(): Promise<K | undefined> {
    const key = this.take();
    if (key !== undefined || this.isFinished()) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks key finished; if it was added while processing, it is queued again now. */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) {
      if (this.shuttingDown && !this.draining) this.dirty.delete(key);
      else this.push(key);
    }
    this.checkDrained();
  }

  /** Keys queued (not processing, not waiting on a delay). */
  len(): number {
    return this.queue.length - this.head;
  }

  /** Keys between get() and done(). */
  processingCount(): number {
    return this.processing.size;
  }

  /** Keys waiting on addAfter/addRateLimited delays. */
  delayedCount(): number {
    return this.waiting.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops now: adds are ignored, queued and delayed keys dropped, waiting get()s resolve undefined. */
  shutDown(): void {
    this.beginShutdown();
    this.queue.length = 0;
    this.head = 0;
    this.dirty.clear();
    this.wakeGetters();
    this.checkDrained();
  }

  /**
   * Stops accepting adds (delayed keys are dropped), hands out what is already queued, and
   * resolves once every queued and in-flight key is done.
   */
  shutDownWithDrain(): Promise<void> {
    this.beginShutdown();
    this.draining = true;
    const drained = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    this.wakeGetters();
    this.checkDrained();
    return drained;
  }

  private beginShutdown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
  }

  private isFinished(): boolean {
    return this.shuttingDown && (!this.draining || (this.len() === 0 && this.processing.size === 0));
  }

  private push(key: K): void {
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
      return;
    }
    this.queue.push(key);
  }

  private take(): K | undefined {
    if (this.shuttingDown && !this.draining) return undefined;
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head] as K;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private wakeGetters(): void {
    while (this.getters.length > 0) {
      const key = this.take();
      if (key === undefined && !this.isFinished()) return;
      this.getters.shift()?.(key);
    }
  }

  private checkDrained(): void {
    if (!this.shuttingDown || this.processing.size > 0 || this.len() > 0) return;
    if (this.isFinished()) this.wakeGetters();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
