/**
 * At most `limit` async calls at once; later calls wait their turn in arrival order. The
 * scheduler binds through this: when the API server falls behind, unbounded parallel
 * bindings would each open a new keep-alive TLS connection (hundreds of handshakes on
 * both sides), slowing the server further. `waiting` and `slotFreed()` let the scheduling
 * loop hold back instead of running far ahead of its bindings.
 */
export class ConcurrencyLimit {
  private running = 0;
  // FIFO as array + head index (shift() is O(n) once thousands of calls queue up).
  private queue: Array<() => void> = [];
  private head = 0;
  private freed: Array<() => void> = [];

  private readonly limit: number;

  constructor(config: { limit: number }) {
    if (!(config.limit >= 1)) throw new Error(`ConcurrencyLimit: limit must be at least 1, got ${config.limit}`);
    this.limit = config.limit;
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  async run<R>(fn: () => Promise<R>): Promise<R> {
    if (this.running < this.limit) this.running++;
    // The slot passes straight from a finishing call to the next waiter (running stays the same).
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Resolves when the next running call finishes. */
  slotFreed(): Promise<void> {
    return new Promise((resolve) => this.freed.push(resolve));
  }

  private release(): void {
    if (this.head < this.queue.length) {
      const next = this.queue[this.head] as () => void;
      this.queue[this.head++] = noop;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      next();
    } else this.running--;
    if (this.freed.length > 0) {
      const freed = this.freed;
      this.freed = [];
      for (const f of freed) f();
    }
  }
}

const noop = (): void => {};
