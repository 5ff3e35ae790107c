/**
 * CrashLoopBackOff bookkeeping per container, as the kubelet does it: the first restart
 * is immediate, then each restart waits base·2^n (10 s, 20 s, 40 s … capped at 5 min);
 * a container that ran for resetAfterMs (10 min) without exiting starts over.
 */
export interface BackoffConfig {
  baseMs?: number;
  maxMs?: number;
  resetAfterMs?: number;
}

interface Entry {
  /** Delay to apply to the next restart (0 = immediate). */
  delayMs: number;
}

export class CrashBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly resetAfterMs: number;
  private readonly entries = new Map<string, Entry>();

  constructor(config: BackoffConfig = {}) {
    this.baseMs = config.baseMs ?? 10_000;
    this.maxMs = config.maxMs ?? 300_000;
    this.resetAfterMs = config.resetAfterMs ?? 600_000;
  }

  /**
   * When the container that started at startedAt and exited at finishedAt may restart.
   * The current delay is also returned (for the "back-off 20s restarting…" message).
   */
  restartAt(key: string, startedAt: number, finishedAt: number): { at: number; delayMs: number } {
    let e = this.entries.get(key);
    if (!e || finishedAt - startedAt >= this.resetAfterMs) {
      e = { delayMs: 0 };
      this.entries.set(key, e);
    }
    return { at: finishedAt + e.delayMs, delayMs: e.delayMs };
  }

  /** Records that the container was restarted: the next restart waits twice as long. */
  restarted(key: string): void {
    const e = this.entries.get(key) ?? { delayMs: 0 };
    e.delayMs = e.delayMs === 0 ? this.baseMs : Math.min(this.maxMs, e.delayMs * 2);
    this.entries.set(key, e);
  }

  /** Starts the container's back-off over (its definition changed): the next restart is immediate. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  forget(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
