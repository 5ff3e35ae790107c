import { CacheEvent } from './cache-event.js';
import type { CachedObject } from './cached-object.js';

/** Receives every event of one resource, in revision order. */
export type CacheListener = (event: CacheEvent) => void;

export interface ResourceCacheConfig {
  /** Key prefix of the resource, e.g. '/registry/core/pods/'. */
  prefix: string;
  /** Revision from which this cache's window is complete (events after it are all kept until evicted). */
  startRevision: number;
  /** Maximum number of recent events kept for watch replay. */
  windowSize: number;
}

/** Outcome of `ResourceCache.subscribe`. */
export type SubscribeResult =
  | { ok: true; unsubscribe: () => void }
  /** The requested revision is older than the window: serve it elsewhere or answer 410. */
  | { ok: false; oldestRevision: number };

/**
 * Current state and recent history of one resource (all namespaces), fed by the watch
 * cache. All methods are synchronous, so a replay plus subscription is atomic with
 * respect to incoming events (nothing can slip between them).
 */
export class ResourceCache {
  readonly prefix: string;
  private readonly objects = new Map<string, CachedObject>();
  private sortedKeys: string[] | undefined;
  private readonly window: CacheEvent[] = [];
  private windowHead = 0;
  private readonly windowSize: number;
  /** Every event with rev > windowStart is in `window`. */
  private windowStart: number;
  private readonly listeners = new Set<CacheListener>();

  constructor(config: ResourceCacheConfig) {
    this.prefix = config.prefix;
    this.windowStart = config.startRevision;
    this.windowSize = Math.max(1, config.windowSize);
  }

  /** Number of objects currently held. */
  get size(): number {
    return this.objects.size;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /** Objects whose key starts with `prefix` (default: all), in ascending key order. */
  list(prefix?: string, afterKey?: string): CachedObject[] {
    const keys = this.keys();
    let i = 0;
    if (afterKey !== undefined) i = upperBound(keys, afterKey);
    else if (prefix !== undefined && prefix !== this.prefix) i = lowerBound(keys, prefix);
    const out: CachedObject[] = [];
    for (; i < keys.length; i++) {
      const k = keys[i] as string;
      if (prefix !== undefined && !k.startsWith(prefix)) {
        if (k > prefix) break;
        continue;
      }
      out.push(this.objects.get(k) as CachedObject);
    }
    return out;
  }

  /** Replaces the whole state (initial load or re-list); history before `revision` is forgotten. */
  reset(objects: Iterable<CachedObject>, revision: number): void {
    this.objects.clear();
    for (const o of objects) this.objects.set(o.key, o);
    this.sortedKeys = undefined;
    this.window.length = 0;
    this.windowHead = 0;
    this.windowStart = revision;
  }

  /** Applies a PUT (obj present) or DELETE (deleted) and notifies listeners. */
  apply(key: string, rev: number, next: CachedObject | undefined, deletedObj?: CachedObject): void {
    const prev = this.objects.get(key);
    let event: CacheEvent;
    if (next !== undefined) {
      if (prev === undefined) this.sortedKeys = undefined;
      this.objects.set(key, next);
      event = new CacheEvent(prev ? 'MODIFIED' : 'ADDED', key, rev, next.obj, prev?.obj);
    } else {
      if (prev === undefined && deletedObj === undefined) return;
      this.objects.delete(key);
      this.sortedKeys = undefined;
      const last = deletedObj ?? (prev as CachedObject);
      event = new CacheEvent('DELETED', key, rev, last.obj, prev?.obj);
    }
    this.record(event);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own; it must not stop delivery to others.
      }
    }
  }

  /**
   * Replays every event with rev > `fromRevision` to `listener`, then subscribes it to
   * new ones. Fails (without subscribing) when the window no longer covers the revision.
   */
  subscribe(fromRevision: number, listener: CacheListener): SubscribeResult {
    if (fromRevision < this.windowStart) return { ok: false, oldestRevision: this.windowStart };
    for (let i = this.windowHead; i < this.window.length; i++) {
      const e = this.window[i] as CacheEvent;
      if (e.rev > fromRevision) listener(e);
    }
    this.listeners.add(listener);
    return { ok: true, unsubscribe: () => this.listeners.delete(listener) };
  }

  /** Drops every listener (after a re-list their view would be wrong). */
  dropListeners(): CacheListener[] {
    const all = [...this.listeners];
    this.listeners.clear();
    return all;
  }

  /** Oldest revision a watch can start from in this cache. */
  oldestRevision(): number {
    return this.windowStart;
  }

  private record(event: CacheEvent): void {
    this.window.push(event);
    if (this.window.length - this.windowHead > this.windowSize) {
      const dropped = this.window[this.windowHead] as CacheEvent;
      this.windowStart = dropped.rev;
      this.window[this.windowHead] = undefined as unknown as CacheEvent;
      this.windowHead++;
      // Compact the array now and then rather than shifting on every event.
      if (this.windowHead > this.windowSize) {
        this.window.splice(0, this.windowHead);
        this.windowHead = 0;
      }
    }
  }

  private keys(): string[] {
    if (this.sortedKeys === undefined) {
      this.sortedKeys = [...this.objects.keys()].sort(compareKeys);
    }
    return this.sortedKeys;
  }
}

/** Key order of the store (UTF-8 byte order = code point order). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // Plain < on JS strings compares UTF-16 code units, which differs from code point
  // order only for astral characters; fall back to a precise compare then.
  if (!/[\uD800-\uDFFF]/.test(a) && !/[\uD800-\uDFFF]/.test(b)) return a < b ? -1 : 1;
  const pa = Array.from(a, (c) => c.codePointAt(0) as number);
  const pb = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  }
  return pa.length - pb.length;
}

function lowerBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid] as string, k) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: string[], k: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(keys[mid] as string, k) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
