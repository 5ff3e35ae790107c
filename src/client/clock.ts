/**
 * Time as an injected dependency: everything in the client that waits (work-queue
 * delays, backoff, leader election, informer re-list) goes through a Clock so tests can
 * drive time with FakeClock instead of sleeping.
 */

/** A scheduled callback; cancel() is idempotent and a no-op after it fired. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn once after ms milliseconds (ms <= 0 runs it on a later tick, never synchronously). */
  setTimeout(fn: () => void, ms: number): Timer;
}

/** The wall clock. Timers are unref'd so a pending retry never keeps a process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after ms on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}
