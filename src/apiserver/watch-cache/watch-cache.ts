import type { Store, WatchEvent, Watcher } from '../../storage/store.js';
import { CachedObject, cachedFromEvent, cachedFromKv } from './cached-object.js';
import { ResourceCache } from './resource-cache.js';

export interface WatchCacheConfig {
  store: Store;
  /** Root of the keys to cache; default '/registry/'. */
  root?: string;
  /** Events kept per resource for watch replay; default 5000. */
  windowSize?: number;
  /** Page size of the initial load; default 2000. */
  pageSize?: number;
  /** Reports unexpected problems (undecodable values, watch failures). */
  onError?: (err: unknown) => void;
}

/**
 * The API server's in-memory copy of storage: one `store.watch` over the whole key root
 * (`/registry/`) feeds a `ResourceCache` per resource (`/registry/<group>/<resource>/`).
 * One watch (rather than one per resource) means the cache's revision advances with the
 * store's own, so "has the cache caught up with revision R" has a precise answer and
 * consistent reads can be served from memory (as kube-apiserver 1.31+ does).
 *
 * If the store watch fails (e.g. compacted while we were behind), the cache re-lists,
 * resets every resource and cuts off every listener (their clients re-watch, as with
 * Kubernetes' cacher).
 */
export class WatchCache {
  private readonly store: Store;
  private readonly root: string;
  private readonly windowSize: number;
  private readonly pageSize: number;
  private readonly onError: (err: unknown) => void;
  private readonly resources = new Map<string, ResourceCache>();
  private watcher: Watcher | undefined;
  private revision = 0;
  private startRevision = 0;
  private waiters: { rev: number; resolve: (ok: boolean) => void; timer: NodeJS.Timeout }[] = [];
  private closed = false;
  private starting: Promise<void> | undefined;
  /** Called with each listener dropped by a reset, so its watch can end. */
  private readonly resetHooks = new Set<() => void>();

  constructor(config: WatchCacheConfig) {
    this.store = config.store;
    this.root = config.root ?? '/registry/';
    this.windowSize = config.windowSize ?? 5000;
    this.pageSize = config.pageSize ?? 2000;
    this.onError = config.onError ?? (() => {});
  }

  /** Loads the current state and starts following the store. Idempotent. */
  start(): Promise<void> {
    if (!this.starting) this.starting = this.load();
    return this.starting;
  }

  /** The highest store revision the cache reflects. */
  currentRevision(): number {
    return this.revision;
  }

  /**
   * The cache of the resource whose keys start with `prefix` ('/registry/<g>/<r>/'),
   * created empty if nothing was ever stored there.
   */
  resource(prefix: string): ResourceCache {
    let rc = this.resources.get(prefix);
    if (!rc) {
      rc = new ResourceCache({ prefix, startRevision: this.startRevision, windowSize: this.windowSize });
      this.resources.set(prefix, rc);
    }
    return rc;
  }

  /**
   * Resolves true once the cache reflects `revision`, or false after `timeoutMs`
   * (the caller then reads the store directly).
   */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.revision >= revision) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        rev: revision,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Waits until the cache has caught up with the store's current revision (a consistent
   * read). Resolves false if it could not within `timeoutMs`.
   */
  async syncWithStore(timeoutMs: number): Promise<boolean> {
    await this.start();
    const rev = await this.store.currentRevision();
    return this.waitForRevision(rev, timeoutMs);
  }

  /** Registers a hook run when a reset cuts every watcher off. */
  onReset(hook: () => void): () => void {
    this.resetHooks.add(hook);
    return () => this.resetHooks.delete(hook);
  }

  /** Stops following the store. */
  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.waiters = [];
  }

  private async load(): Promise<void> {
    const byPrefix = new Map<string, CachedObject[]>();
    let revision = 0;
    let after: string | undefined;
    for (;;) {
      const page = await this.store.list(this.root, {
        limit: this.pageSize,
        ...(after !== undefined ? { continueFrom: after } : {}),
        ...(revision ? { revision } : {}),
      });
      revision = page.revision;
      for (const kv of page.items) {
        const prefix = this.prefixOf(kv.key);
        if (!prefix) continue;
        try {
          const list = byPrefix.get(prefix) ?? [];
          list.push(cachedFromKv(kv));
          byPrefix.set(prefix, list);
        } catch (err) {
          this.onError(err);
        }
      }
      const last = page.items[page.items.length - 1];
      if (!page.more || !last) break;
      after = last.key;
    }
    if (this.closed) return;
    this.startRevision = revision;
    for (const rc of this.resources.values()) {
      rc.reset(byPrefix.get(rc.prefix) ?? [], revision);
      byPrefix.delete(rc.prefix);
    }
    for (const [prefix, objects] of byPrefix) this.resource(prefix).reset(objects, revision);
    this.setRevision(revision);
    this.watcher = this.store.watch(
      this.root,
      revision,
      (events) => this.applyEvents(events),
      (err) => this.recover(err),
    );
  }

  private applyEvents(events: WatchEvent[]): void {
    if (this.closed) return;
    let maxRev = this.revision;
    for (const e of events) {
      const rev = e.kv.modRevision;
      if (rev > maxRev) maxRev = rev;
      if (rev <= this.revision) continue; // already reflected (replay overlap)
      const prefix = this.prefixOf(e.kv.key);
      if (!prefix) continue;
      const rc = this.resource(prefix);
      try {
        if (e.type === 'PUT') rc.apply(e.kv.key, rev, cachedFromEvent(e.kv));
        else {
          let deleted: CachedObject | undefined;
          try {
            deleted = cachedFromKv(e.kv);
          } catch {
            deleted = undefined;
          }
          rc.apply(e.kv.key, rev, undefined, deleted);
        }
      } catch (err) {
        this.onError(err);
      }
    }
    this.setRevision(maxRev);
  }

  private recover(err: Error): void {
    if (this.closed) return;
    this.onError(err);
    this.watcher?.close(); // dead already after onError; closing is idempotent
    this.watcher = undefined;
    for (const rc of this.resources.values()) rc.dropListeners();
    for (const hook of this.resetHooks) hook();
    this.starting = this.load().catch((e: unknown) => {
      this.onError(e);
    });
  }

  private setRevision(rev: number): void {
    if (rev <= this.revision) return;
    this.revision = rev;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.rev <= rev) {
        clearTimeout(w.timer);
        w.resolve(true);
      } else still.push(w);
    }
    this.waiters = still;
  }

  /** '/registry/<group>/<resource>/' for a key under the root, else undefined. */
  private prefixOf(key: string): string | undefined {
    if (!key.startsWith(this.root)) return undefined;
    const rest = key.slice(this.root.length);
    const a = rest.indexOf('/');
    if (a < 0) return undefined;
    const b = rest.indexOf('/', a + 1);
    if (b < 0) return undefined;
    return this.root + rest.slice(0, b + 1);
  }
}
