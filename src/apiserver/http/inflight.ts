import { tooManyRequests } from './status.js';

/**
 * In-flight limits, as kube-apiserver's --max-requests-inflight (read-only, default 400)
 * and --max-mutating-requests-inflight (default 200). Long-running requests (watches,
 * exec, logs) are not counted; members of system:masters are never rejected.
 */
export class InflightLimiter {
  private readonly max: { readOnly: number; mutating: number };
  readonly current = { readOnly: 0, mutating: 0 };

  constructor(config: { maxReadOnly?: number; maxMutating?: number } = {}) {
    this.max = { readOnly: config.maxReadOnly ?? 400, mutating: config.maxMutating ?? 200 };
  }

  /**
   * Takes a slot or throws a 429 Status (Retry-After: 1). The returned release function
   * is idempotent and must be called when the response finishes.
   */
  acquire(kind: 'readOnly' | 'mutating', privileged: boolean): () => void {
    const limit = this.max[kind];
    if (limit > 0 && this.current[kind] >= limit && !privileged) throw tooManyRequests(1);
    this.current[kind]++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.current[kind]--;
    };
  }
}
