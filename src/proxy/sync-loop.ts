import type { Logger } from '../client/logger.js';

export interface SyncLoop {
  /** Asks for a sync after `delayMs` (bursts of events coalesce into one). */
  schedule(delayMs?: number): void;
  /** Resolves once the first sync has run (whether it failed or not). */
  firstSync(): Promise<void>;
  /** True from `stop()` on: a sync in progress should give up. */
  stopped(): boolean;
  /** No more syncs; resolves when the one in progress (if any) is done. */
  stop(): Promise<void>;
}

/**
 * The level-triggered loop both proxies run: events schedule a sync a little later;
 * one sync runs at a time and one more follows if events came meanwhile; a failed sync
 * (the function resolves true, or throws) is retried after `retryMs`.
 */
export function syncLoop(config: { sync: () => Promise<boolean>; delayMs: number; retryMs: number; log: Logger }): SyncLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  let markFirst: () => void = () => {};
  const first = new Promise<void>((r) => (markFirst = r));

  const schedule = (delayMs = config.delayMs): void => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (running) {
        dirty = true;
        return;
      }
      running = (async () => {
        let again = true;
        while (again && !stopped) {
          dirty = false;
          const failed = await config.sync().catch((err: unknown) => {
            config.log.error('sync failed', { error: String(err) });
            return true;
          });
          if (failed) setTimeout(() => schedule(0), config.retryMs).unref();
          again = dirty;
        }
        markFirst();
      })().finally(() => (running = undefined));
    }, delayMs);
  };

  return {
    schedule,
    firstSync: () => first,
    stopped: () => stopped,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      markFirst();
    },
  };
}
