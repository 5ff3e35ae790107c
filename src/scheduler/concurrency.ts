/**
 * Wraps an async function so at most `limit` calls run at once; later calls wait their
 * turn in arrival order. The scheduler binds through this: when the API server falls
 * behind, unbounded parallel bindings would each open a new keep-alive TLS connection
 * (hundreds of handshakes on both sides), slowing the server further.
 */
export function limitConcurrency<A extends unknown[], R>(limit: number, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  if (!(limit >= 1)) throw new Error(`limitConcurrency: limit must be at least 1, got ${limit}`);
  let running = 0;
  // FIFO as array + head index (shift() is O(n) once thousands of bindings queue up).
  let waiting: Array<() => void> = [];
  let head = 0;
  const release = (): void => {
    if (head < waiting.length) {
      const next = waiting[head] as () => void;
      waiting[head++] = noop;
      if (head === waiting.length) {
        waiting = [];
        head = 0;
      } else if (head > 1024 && head * 2 > waiting.length) {
        waiting = waiting.slice(head);
        head = 0;
      }
      next();
    } else running--;
  };
  return async (...args: A): Promise<R> => {
    if (running < limit) running++;
    // The slot passes straight from a finishing call to the next waiter (running stays the same).
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn(...args);
    } finally {
      release();
    }
  };
}

const noop = (): void => {};
