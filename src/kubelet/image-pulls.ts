import type { Container } from '../api/core/v1/container.js';
import type { CrashBackoff } from './backoff.js';
import type { CState } from './pod-worker-deps.js';
import { ImagePullError, type Runtime } from './runtime.js';

/**
 * A pod's image pulls, for runtimes that pull (cri): a failed pull leaves the container
 * waiting as ErrImagePull, then ImagePullBackOff until its next attempt, with the same
 * back-off as restarts, as upstream's image manager does.
 */
export class ImagePulls {
  /** When each container whose image pull failed may try again. */
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly backoff: CrashBackoff) {}

  /** Whether the container waits on a failed pull. */
  static failed(st: CState): boolean {
    return st.waiting?.reason === 'ErrImagePull' || st.waiting?.reason === 'ImagePullBackOff';
  }

  /** While a failed pull backs off: the time left (the state says ImagePullBackOff); else undefined. */
  backingOff(c: Container, st: CState, now: number): number | undefined {
    if (!ImagePulls.failed(st)) return undefined;
    const at = this.retryAt.get(c.name ?? '') ?? now;
    if (now >= at) return undefined;
    st.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image ?? ''}"` };
    return at - now;
  }

  /**
   * Makes sure the container's image is there (pulling it as its policy says); on failure
   * records ErrImagePull / ErrImageNeverPull in the state and returns the delay before the
   * next attempt (`failed` is told once per new message, for the event).
   */
  async ensure(rt: Runtime, c: Container, st: CState, key: string, now: number, failed: (message: string) => void): Promise<number | undefined> {
    if (!rt.ensureImage) return undefined;
    try {
      await rt.ensureImage(c.image ?? '', (c.imagePullPolicy as 'Always' | 'IfNotPresent' | 'Never' | undefined) ?? 'IfNotPresent');
      return undefined;
    } catch (err) {
      if (!(err instanceof ImagePullError)) throw err;
      if (st.waiting?.message !== err.message) failed(err.message);
      st.waiting = { reason: err.reason, message: err.message };
      this.backoff.restarted(key);
      const delayMs = this.backoff.restartAt(key, now, now).delayMs;
      this.retryAt.set(c.name ?? '', now + delayMs);
      return delayMs;
    }
  }
}
