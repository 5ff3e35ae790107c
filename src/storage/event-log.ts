import type { WatchEvent } from './store.js';

/** Test support for the store suites: collects a watch's events and lets a test wait for a condition on them, with a deadline. */
export class EventLog {
  readonly events: WatchEvent[] = [];
  readonly batches: number[] = [];
  error: Error | undefined;
  readonly onEvents = (evs: WatchEvent[]) => {
    this.batches.push(evs.length);
    this.events.push(...evs);
  };
  readonly onError = (err: Error) => {
    this.error = err;
  };

  async waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what} (have ${this.events.length} events, error ${this.error?.message})`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  waitForCount(n: number): Promise<void> {
    return this.waitFor(() => this.events.length >= n || this.error !== undefined, `${n} events`);
  }
}
