import type { Clock } from './clock.js';

/**
 * A token bucket (as golang.org/x/time/rate): `qps` tokens per second refill a bucket of
 * `burst`. reserve() always takes a token, going into debt when the bucket is empty, and
 * returns how long the caller must wait before acting — so waiters queue up fairly.
 */
export class TokenBucket {
  private readonly qps: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private last: number;

  constructor(config: { qps: number; burst: number; clock: Clock }) {
    if (!(config.qps > 0)) throw new Error(`TokenBucket: qps must be > 0, got ${config.qps}`);
    if (!(config.burst >= 1)) throw new Error(`TokenBucket: burst must be >= 1, got ${config.burst}`);
    this.qps = config.qps;
    this.burst = config.burst;
    this.clock = config.clock;
    this.tokens = config.burst;
    this.last = config.clock.now();
  }

  /** Takes one token; returns the delay in ms before it may be used (0 when available now). */
  reserve(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }

  /** Takes a token only if one is available now; never goes into debt. */
  tryTake(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
