import type { Clock } from './clock.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Decides how long a failed item waits before its retry (client-go's workqueue
 * RateLimiter). when() counts a failure; forget() clears the item's history once it
 * succeeded.
 */
export interface RateLimiter<K> {
  /** Delay in ms before the item's next attempt; records one more failure. */
  when(item: K): number;
  /** Stops tracking the item (call after a success). */
  forget(item: K): void;
  /** How many failures are recorded for the item. */
  numRequeues(item: K): number;
}

/** baseMs · 2^failures, capped at maxMs, per item. */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(config: { baseMs: number; maxMs: number }) {
    this.baseMs = config.baseMs;
    this.maxMs = config.maxMs;
  }

  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    // Exponents past ~60 overflow nothing in JS doubles but exceed any sane max anyway.
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 62));
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** An overall token bucket shared by all items (no per-item memory). */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private readonly bucket: TokenBucket;

  constructor(config: { qps: number; burst: number; clock: Clock }) {
    this.bucket = new TokenBucket(config);
  }

  when(_item: K): number {
    return this.bucket.reserve();
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest delay of several limiters (every limiter records the failure). */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: readonly RateLimiter<K>[];

  constructor(config: { limiters: readonly RateLimiter<K>[] }) {
    if (config.limiters.length === 0) throw new Error('MaxOfRateLimiter: at least one limiter is required');
    this.limiters = config.limiters;
  }

  when(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.when(item));
    return max;
  }

  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }

  numRequeues(item: K): number {
    let max = 0;
    for (const l of this.limiters) max = Math.max(max, l.numRequeues(item));
    return max;
  }
}

/**
 * client-go's DefaultControllerRateLimiter: per item 5 ms doubling up to 1000 s, and an
 * overall bucket of 10 qps with a burst of 100 so a storm of failures cannot hot-loop.
 */
export function defaultControllerRateLimiter<K>(clock: Clock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>({
    limiters: [
      new ItemExponentialRateLimiter<K>({ baseMs: 5, maxMs: 1_000_000 }),
      new BucketRateLimiter<K>({ qps: 10, burst: 100, clock }),
    ],
  });
}
