import type { ResourceContext } from './context.js';

/** Event kinds stored by the resource layer, with their storage prefixes. */
const EVENT_PREFIXES = ['/registry/core/events/', '/registry/events.k8s.io/events/'];

/**
 * Deletes Events older than `ttlMs` (by lastTimestamp, eventTime, or creationTimestamp), as
 * kube-apiserver's `--event-ttl` (1 h) does through etcd leases. Returns how many went.
 */
export async function sweepExpiredEvents(ctx: ResourceContext, ttlMs: number): Promise<number> {
  await ctx.cache.start();
  const cutoff = ctx.now().getTime() - ttlMs;
  let deleted = 0;
  for (const prefix of EVENT_PREFIXES) {
    for (const o of ctx.cache.resource(prefix).list()) {
      const e = o.obj;
      const stamp = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
      const t = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
      if (Number.isNaN(t) || t >= cutoff) continue;
      try {
        await ctx.store.delete(o.key, o.rev);
        deleted++;
      } catch {
        // changed or gone meanwhile: the next sweep decides again
      }
    }
  }
  return deleted;
}

/** Runs `sweepExpiredEvents` every `intervalMs` until the returned function is called. */
export function startEventTtl(ctx: ResourceContext, ttlMs: number, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepExpiredEvents(ctx, ttlMs)
      .catch((err: unknown) => console.error(JSON.stringify({ component: 'event-ttl', error: String(err) })))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
