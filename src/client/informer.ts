import { realClock, type Clock, type Timer } from './clock.js';
import type { EventSource, ResourceEventHandler } from './event-source.js';
import { byNamespace, Indexer, NAMESPACE_INDEX, type IndexFunc } from './indexer.js';
import { jsonLogger, type Logger } from './logger.js';
import type { KubeObject } from './object-key.js';
import type { ListOptions, ObjectList, WatchOptions } from './resource-client.js';
import { isGone } from './status-error.js';
import type { WatchEndHandler, WatchEvent, WatchHandle } from './watch.js';

/** What an informer lists and watches; a ResourceClient is one. */
export interface ListerWatcher<T> {
  list(options: ListOptions): Promise<ObjectList<T>>;
  watch(options: WatchOptions, onEvent: (event: WatchEvent<T>) => void, onEnd: WatchEndHandler): WatchHandle;
}

export interface InformerConfig<T> {
  listerWatcher: ListerWatcher<T>;
  /** Restrict to one namespace (default: all). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Kind and group held, for controller owns() matching. */
  kind?: string;
  group?: string;
  clock?: Clock;
  logger?: Logger;
  /** Page size of the (re-)list; default 500. */
  pageSize?: number;
  /** Periodically re-deliver every cached object as onUpdate(obj, obj); 0/undefined = never. */
  resyncPeriodMs?: number;
  /** Watch request timeout; default random in 300–600 s as client-go, so watchers do not reconnect in lockstep. */
  watchTimeoutSeconds?: number;
  /**
   * Applied to every object before it is cached and handed to handlers, e.g. to drop
   * metadata.managedFields and save memory in large caches. Must be pure and keep
   * metadata.name/namespace/resourceVersion.
   */
  transform?: (obj: T) => T;
  /** Backoff after list or watch failures: initial and max delay (default 800 ms → 30 s, as client-go's reflector). */
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * List + watch into a local cache (client-go's reflector + indexer + shared informer).
 * - Keys are `namespace/name`; handlers see onAdd/onUpdate/onDelete in order.
 * - The NAMESPACE_INDEX index is always present; add others with addIndexer().
 * - hasSynced() turns true after the first complete list is in the cache.
 * - The watch resumes from the last resourceVersion seen (events and bookmarks); a 410
 *   Gone (compacted) means re-list and diff against the cache, emitting what changed
 *   meanwhile, including deletes; other failures retry with exponential backoff.
 * Handlers run synchronously on the informer's delivery path and must be quick and must
 * not throw (a throw is logged and the next handler still runs).
 */
export class Informer<T extends KubeObject> implements EventSource<T> {
  readonly indexer: Indexer<T>;
  readonly kind?: string;
  readonly group?: string;
  private readonly lw: ListerWatcher<T>;
  private readonly config: InformerConfig<T>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly handlers: ResourceEventHandler<T>[] = [];
  private readonly backoff: { initialMs: number; maxMs: number };
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private running = false;
  private stopped = false;
  private lastRV = '';
  private currentWatch: WatchHandle | undefined;
  private wakeUp: (() => void) | undefined;
  private resyncTimer: Timer | undefined;
  private loop: Promise<void> | undefined;
  private listCount = 0;

  constructor(config: InformerConfig<T>) {
    this.config = config;
    this.lw = config.listerWatcher;
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? jsonLogger('informer');
    this.backoff = config.backoff ?? { initialMs: 800, maxMs: 30_000 };
    this.indexer = new Indexer<T>();
    // Every informer can answer "objects in namespace X" (as client-go's default indexers).
    this.indexer.addIndexer(NAMESPACE_INDEX, byNamespace);
    if (config.kind !== undefined) this.kind = config.kind;
    if (config.group !== undefined) this.group = config.group;
  }

  /** Starts listing and watching in the background. Idempotent. */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.loop = this.run();
    this.scheduleResync();
  }

  /** Stops the watch and the loop; the cache keeps its contents. Resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.currentWatch?.close();
    this.resyncTimer?.cancel();
    this.wakeUp?.();
    await this.loop;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(timeoutMs?: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const done = () => {
        timer?.cancel();
        resolve(true);
      };
      this.syncWaiters.push(done);
      if (timeoutMs !== undefined) {
        timer = this.clock.setTimeout(() => {
          this.syncWaiters = this.syncWaiters.filter((w) => w !== done);
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  /** Registers a handler; objects already cached are delivered to it as adds first. */
  addEventHandler(handler: ResourceEventHandler<T>): () => void {
    this.handlers.push(handler);
    for (const obj of this.indexer.list()) this.call(handler, 'onAdd', () => handler.onAdd?.(obj));
    return () => {
      const i = this.handlers.indexOf(handler);
      if (i >= 0) this.handlers.splice(i, 1);
    };
  }

  /** Adds a secondary index to the cache (see Indexer.addIndexer). */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexer.addIndexer(name, fn);
  }

  /** Cached object by `namespace/name` (or `name`). Do not mutate it. */
  get(key: string): T | undefined {
    return this.indexer.get(key);
  }

  /** Every cached object. Do not mutate them. */
  list(): T[] {
    return this.indexer.list();
  }

  byIndex(name: string, value: string): T[] {
    return this.indexer.byIndex(name, value);
  }

  /** The resourceVersion the cache is at (last list, event or bookmark). */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /** How many full lists were made (1 + re-lists); for tests and metrics. */
  listsMade(): number {
    return this.listCount;
  }

  private async run(): Promise<void> {
    let delay = this.backoff.initialMs;
    let needList = true;
    while (!this.stopped) {
      if (needList) {
        try {
          await this.listAndReplace();
          needList = false;
        } catch (err) {
          if (this.stopped) return;
          this.logger.warn('list failed', { resource: this.describe(), error: err, retryInMs: delay });
          await this.pause(delay);
          delay = Math.min(this.backoff.maxMs, delay * 2);
          continue;
        }
      }
      const { err, events } = await this.watchOnce();
      if (this.stopped) return;
      if (err && isGone(err)) {
        // Our resourceVersion was compacted away: only a fresh list can tell what changed.
        this.logger.info('watch expired, re-listing', { resource: this.describe(), resourceVersion: this.lastRV });
        needList = true;
        delay = this.backoff.initialMs;
        continue;
      }
      if (!err) {
        delay = this.backoff.initialMs;
        continue; // server timeout: resume from lastRV at once
      }
      if (events > 0) delay = this.backoff.initialMs;
      this.logger.warn('watch failed', { resource: this.describe(), error: err, retryInMs: delay });
      await this.pause(delay);
      delay = Math.min(this.backoff.maxMs, delay * 2);
    }
  }

  private async listAndReplace(): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.lw.list({
        ...this.selectors(),
        limit: this.config.pageSize ?? 500,
        ...(cont ? { continue: cont } : {}),
      });
      if (this.stopped) return;
      const transform = this.config.transform;
      items.push(...(transform ? page.items.map(transform) : page.items));
      cont = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont);
    this.listCount++;
    this.replace(items, rv);
  }

  /** Makes the cache equal the list, telling handlers what differs. */
  private replace(items: T[], rv: string): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = this.indexer.keyOf(obj);
      seen.add(key);
      const old = this.indexer.upsert(obj);
      if (!old) this.emit('onAdd', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('onUpdate', obj, old);
    }
    for (const key of this.indexer.keys()) {
      if (seen.has(key)) continue;
      const gone = this.indexer.delete(key);
      if (gone) this.emit('onDelete', gone);
    }
    this.lastRV = rv;
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  private watchOnce(): Promise<{ err: Error | undefined; events: number }> {
    return new Promise((resolve) => {
      let events = 0;
      let settled = false;
      const timeoutSeconds = this.config.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
      // The server ends the watch after timeoutSeconds; if it vanished without closing the
      // connection, nothing would ever arrive, so give up a little after that ourselves.
      const guard = this.clock.setTimeout(() => {
        this.currentWatch?.close();
        finish(new Error(`watch did not end within ${timeoutSeconds} s (server gone?)`));
      }, (timeoutSeconds + 30) * 1000);
      const finish = (err: Error | undefined): void => {
        if (settled) return;
        settled = true;
        guard.cancel();
        this.currentWatch = undefined;
        this.wakeUp = undefined;
        resolve({ err, events });
      };
      this.wakeUp = () => finish(undefined);
      this.currentWatch = this.lw.watch(
        { ...this.selectors(), resourceVersion: this.lastRV, allowWatchBookmarks: true, timeoutSeconds },
        (ev) => {
          events++;
          this.apply(ev);
        },
        finish,
      );
    });
  }

  private apply(ev: WatchEvent<T>): void {
    const rv = ev.object?.metadata?.resourceVersion;
    if (ev.type !== 'BOOKMARK') {
      const obj = this.config.transform ? this.config.transform(ev.object) : ev.object;
      if (ev.type === 'DELETED') {
        const old = this.indexer.delete(this.indexer.keyOf(obj));
        // Deliver the final state from the event; fall back to the cached one.
        this.emit('onDelete', obj ?? old);
      } else {
        const old = this.indexer.upsert(obj);
        if (old) this.emit('onUpdate', obj, old);
        else this.emit('onAdd', obj);
      }
    }
    if (rv) this.lastRV = rv;
  }

  private emit(kind: 'onAdd' | 'onDelete', obj: T): void;
  private emit(kind: 'onUpdate', obj: T, old: T): void;
  private emit(kind: 'onAdd' | 'onUpdate' | 'onDelete', obj: T, old?: T): void {
    for (const h of [...this.handlers]) {
      this.call(h, kind, () => {
        if (kind === 'onUpdate') h.onUpdate?.(old as T, obj);
        else h[kind]?.(obj);
      });
    }
  }

  private call(_h: ResourceEventHandler<T>, kind: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error('event handler threw', { resource: this.describe(), handler: kind, error: err });
    }
  }

  private scheduleResync(): void {
    const period = this.config.resyncPeriodMs;
    if (!period || period <= 0 || this.stopped) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.stopped) return;
      if (this.synced) for (const obj of this.indexer.list()) this.emit('onUpdate', obj, obj);
      this.scheduleResync();
    }, period);
  }

  /** Waits ms, or less if stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        timer.cancel();
        resolve();
      };
    });
  }

  private selectors(): { namespace?: string; labelSelector?: string; fieldSelector?: string } {
    const { namespace, labelSelector, fieldSelector } = this.config;
    return {
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    };
  }

  private describe(): string {
    return `${this.kind ?? 'objects'}${this.config.namespace ? ` in ${this.config.namespace}` : ''}`;
  }
}
