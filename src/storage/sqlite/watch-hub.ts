/**
 * In-process watchers of the SQLite store.
 *
 * A watcher is either catching up (reading the revision log from the database, a page
 * per tick) or live (fed the events of each commit by `publish`). It registers first and
 * replays second: a new watcher starts catching up from its revision, and switches to
 * live in the same synchronous step in which its last page reached the committed
 * revision, so no commit can fall between replay and live delivery.
 *
 * Delivery is asynchronous and per watcher (one `setImmediate` per batch), so a writer
 * never runs a watcher's callback and one watcher's backlog never delays another's. A
 * live watcher whose undelivered backlog exceeds `maxBacklog` events drops it and goes
 * back to catching up from the database, so a slow consumer costs memory bounded by
 * `maxBacklog`, not by the write rate; if compaction overtakes it, it gets CompactedError.
 */
import type { WatchEvent, Watcher } from '../store.js';
import { CompactedError } from '../errors.js';
import { prefixEnd } from '../keys.js';

export interface WatchSource {
  committedRevision(): number;
  compactRevision(): number;
  /** Events with revision in (after, upTo] for keys in [start, end), oldest first, at most `limit`. */
  readEvents(after: number, upTo: number, start: string, end: string, limit: number): WatchEvent[];
}

export interface WatchHubConfig {
  source: WatchSource;
  /** Undelivered events a live watcher may hold before it falls back to reading the log. */
  maxBacklog?: number;
  /** Events read from the log per catch-up step. */
  pageSize?: number;
  schedule?: (fn: () => void) => void;
}

class HubWatcher implements Watcher {
  /** Every change with revision <= position has been delivered (or did not match). */
  position: number;
  live = false;
  pending: WatchEvent[] = [];
  pendingUpTo = 0;
  scheduled = false;
  closed = false;
  readonly start: string;
  readonly end: string;

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    fromRevision: number,
    readonly onEvents: (events: WatchEvent[]) => void,
    readonly onError: (err: Error) => void,
  ) {
    this.position = fromRevision;
    this.start = prefix;
    this.end = prefixEnd(prefix) ?? prefix; // an impossible prefix gets an empty range
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.hub.remove(this);
  }
}

export class WatchHub {
  private readonly source: WatchSource;
  private readonly maxBacklog: number;
  private readonly pageSize: number;
  private readonly schedule: (fn: () => void) => void;
  private readonly watchers = new Set<HubWatcher>();

  constructor(cfg: WatchHubConfig) {
    this.source = cfg.source;
    this.maxBacklog = cfg.maxBacklog ?? 10_000;
    this.pageSize = cfg.pageSize ?? 1_000;
    this.schedule = cfg.schedule ?? ((fn) => setImmediate(fn));
  }

  get size(): number {
    return this.watchers.size;
  }

  watch(prefix: string, fromRevision: number, onEvents: (events: WatchEvent[]) => void, onError: (err: Error) => void): Watcher {
    const w = new HubWatcher(this, prefix, fromRevision, onEvents, onError);
    this.watchers.add(w);
    this.wake(w);
    return w;
  }

  /** Feeds the events of one commit (revision order) to live watchers. Never calls a callback. */
  publish(events: WatchEvent[], committedRevision: number): void {
    for (const w of this.watchers) {
      if (!w.live) continue; // it will read these from the log
      for (const e of events) {
        if (e.kv.modRevision > w.position && e.kv.key.startsWith(w.prefix)) w.pending.push(e);
      }
      w.pendingUpTo = committedRevision;
      if (w.pending.length > this.maxBacklog) {
        w.pending = [];
        w.live = false;
      }
      if (w.pending.length > 0 || !w.live) this.wake(w);
      else w.position = Math.max(w.position, committedRevision);
    }
  }

  remove(w: HubWatcher): void {
    this.watchers.delete(w);
  }

  /** Stops every watcher without calling its callbacks (the store is closing). */
  closeAll(): void {
    for (const w of [...this.watchers]) w.close();
  }

  private wake(w: HubWatcher): void {
    if (w.scheduled) return;
    w.scheduled = true;
    this.schedule(() => this.deliver(w));
  }

  private deliver(w: HubWatcher): void {
    w.scheduled = false;
    if (w.closed) return;
    let batch: WatchEvent[];
    if (w.live) {
      batch = w.pending;
      w.pending = [];
      w.position = Math.max(w.position, w.pendingUpTo);
    } else {
      const compacted = this.source.compactRevision();
      if (w.position < compacted) {
        this.fail(w, new CompactedError(w.position, compacted));
        return;
      }
      const upTo = this.source.committedRevision();
      batch = this.source.readEvents(w.position, upTo, w.start, w.end, this.pageSize);
      const last = batch[batch.length - 1];
      if (batch.length === this.pageSize && last) {
        w.position = last.kv.modRevision;
        this.wake(w); // more to read
      } else {
        // A watch from a future revision stays there: events up to it are never delivered.
        w.position = Math.max(w.position, upTo);
        w.live = true;
      }
    }
    if (batch.length === 0) return;
    try {
      w.onEvents(batch);
    } catch (err) {
      // A throwing consumer is a bug on its side; it must not take the store down.
      this.fail(w, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private fail(w: HubWatcher, err: Error): void {
    if (w.closed) return;
    w.close();
    w.onError(err);
  }
}
