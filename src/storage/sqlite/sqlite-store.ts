/**
 * The embedded SQLite backend of `Store`: a kine-like revision log in one file.
 * See schema.ts (layout, durability), write-batcher.ts (group commit), watch-hub.ts
 * (watchers), compactor.ts (compaction, checkpoints, vacuum).
 *
 * Reads at the latest revision are served from the in-memory current state
 * (current-state.ts); reads at older revisions from the log. A read returns only once
 * everything it could have seen is durable, so nobody observes a write that a crash could
 * still take back. All SQLite work happens on the event-loop thread in short synchronous
 * steps; nothing holds a transaction open across an await, so there is no "database is
 * locked"; the slow part, fsync, runs on the thread pool (wal-syncer.ts).
 */
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, Watcher } from '../store.js';
import { CompactedError, FutureRevisionError, StorageError, StoreClosedError } from '../errors.js';
import { KEY_SPACE_END, compareKeys, prefixEnd, validateKey, validateRevision } from '../keys.js';
import { openDb, readLastRevision, type Db } from './schema.js';
import { Queries } from './queries.js';
import { WriteBatcher, type WriteOp } from './write-batcher.js';
import { WatchHub } from './watch-hub.js';
import { Compactor, type AutoCompaction } from './compactor.js';
import { CurrentState } from './current-state.js';
import { WalSyncer } from './wal-syncer.js';

export interface SqliteStoreConfig {
  /** Database file; created if missing. */
  path: string;
  /** Automatic compaction; `false` turns it off. Default: checked every second, keep the last 10,000 revisions. */
  autoCompaction?: Partial<AutoCompaction> | false;
  /** Rows deleted per compaction transaction (default 5,000). */
  compactionBatch?: number;
  /** Most writes per group-commit transaction (default 1,024). */
  maxBatch?: number;
  /** Undelivered events a live watcher may hold before it re-reads the log (default 10,000). */
  watchBacklog?: number;
}

export class SqliteStore implements Store {
  private readonly db: Db;
  private readonly q: Queries;
  private readonly batcher: WriteBatcher;
  private readonly hub: WatchHub;
  private readonly compactor: Compactor;
  private readonly state = new CurrentState();
  private readonly syncer: WalSyncer;
  /** Last committed revision (visible in SQLite; durable once the syncer says so). */
  private committed: number;
  private closed = false;
  private closing: Promise<void> | undefined;

  /** Opens or creates the database, resuming an interrupted compaction. */
  static async open(cfg: SqliteStoreConfig): Promise<SqliteStore> {
    return new SqliteStore(cfg);
  }

  private constructor(cfg: SqliteStoreConfig) {
    this.db = openDb({ path: cfg.path });
    this.q = new Queries(this.db);
    this.committed = readLastRevision(this.db);
    this.compactor = new Compactor({
      db: this.db,
      queries: this.q,
      committedRevision: () => this.committed,
      ...(cfg.compactionBatch ? { batchSize: cfg.compactionBatch } : {}),
    });
    for (const kv of this.q.list('', KEY_SPACE_END, this.committed, -1)) this.state.set(kv.key, kv);
    this.hub = new WatchHub({
      source: {
        // Watchers only ever see durable history.
        committedRevision: () => this.syncer.durableRevision,
        compactRevision: () => this.compactor.compactRevision,
        readEvents: (after, upTo, start, end, limit) => this.q.events(after, upTo, start, end, limit),
      },
      ...(cfg.watchBacklog ? { maxBacklog: cfg.watchBacklog } : {}),
    });
    this.batcher = new WriteBatcher({
      db: this.db,
      queries: this.q,
      state: this.state,
      committedRevision: () => this.committed,
      onCommit: (rev) => {
        this.committed = rev;
      },
      durableRevision: () => this.syncer.durableRevision,
      requestSync: (rev) => this.syncer.request(rev),
      onDurable: (events: WatchEvent[], rev: number) => this.hub.publish(events, rev),
      ...(cfg.maxBatch ? { maxBatch: cfg.maxBatch } : {}),
    });
    this.syncer = new WalSyncer({
      walPath: `${cfg.path}-wal`,
      durableRevision: this.committed,
      onDurable: (rev) => this.batcher.release(rev),
      onFailure: (err) => this.batcher.fail(err),
    });
    this.compactor.resume();
    if (cfg.autoCompaction !== false) {
      this.compactor.startAuto({
        intervalMs: cfg.autoCompaction?.intervalMs ?? 1_000,
        retainRevisions: cfg.autoCompaction?.retainRevisions ?? 10_000,
      });
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    validateKey(key);
    return this.durable(this.state.get(key));
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const rev = this.readRevision(opts.revision);
    const end = prefixEnd(prefix);
    if (end === undefined) return { items: [], revision: rev, more: false };
    let start = prefix;
    if (opts.continueFrom !== undefined) {
      const after = opts.continueFrom + '\u0000'; // the smallest key greater than continueFrom
      if (compareKeys(after, start) > 0) start = after;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const latest = rev === this.committed;
    const rows = latest ? this.state.list(start, end, limit ? limit + 1 : 0) : this.q.list(start, end, rev, limit ? limit + 1 : -1);
    let result: ListResult;
    if (!limit || rows.length <= limit) {
      result = { items: rows, revision: rev, more: false };
    } else {
      const items = rows.slice(0, limit);
      const after = (items[items.length - 1] as KeyValue).key + '\u0000';
      const remaining = latest ? this.state.count(after, end) : this.q.count(after, end, rev);
      result = { items, revision: rev, more: true, remaining };
    }
    return latest ? this.durable(result) : result;
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const end = prefixEnd(prefix);
    return this.durable(end === undefined ? 0 : this.state.count(prefix, end));
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.write({ kind: 'create', key, value });
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    return this.write({ kind: 'update', key, value, expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.write(
      expectedModRevision === undefined ? { kind: 'delete', key } : { kind: 'delete', key, expectedModRevision },
    );
  }

  watch(prefix: string, fromRevision: number, onEvents: (events: WatchEvent[]) => void, onError: (err: Error) => void): Watcher {
    this.checkOpen();
    validateRevision('fromRevision', fromRevision);
    return this.hub.watch(prefix, fromRevision, onEvents, onError);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    validateRevision('revision', revision);
    const durable = this.syncer.durableRevision;
    if (revision > durable) throw new FutureRevisionError(revision, durable);
    await this.compactor.compact(revision);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.durable(this.committed);
  }

  /** The revision below which history is gone. */
  compactRevision(): number {
    return this.compactor.compactRevision;
  }

  /** Counters for tests, the benchmark and metrics. `rows` counts the log (live keys + retained history). */
  stats(): {
    commits: number;
    writes: number;
    flushes: number;
    rows: number;
    liveKeys: number;
    compactRevision: number;
    compactions: number;
    watchers: number;
  } {
    this.checkOpen();
    const rows = (this.db.prepare('SELECT count(*) AS n FROM kv').get() as { n: number }).n;
    return {
      ...this.batcher.counters,
      flushes: this.syncer.flushes,
      rows,
      liveKeys: this.state.size,
      compactRevision: this.compactor.compactRevision,
      compactions: this.compactor.runs,
      watchers: this.hub.size,
    };
  }

  /** Runs an SQLite pragma (for the benchmark's and tests' inspection: page counts, WAL size). */
  pragma(source: string): unknown {
    return this.db.pragma(source, { simple: true });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.batcher.flush(); // writes already submitted are committed...
      await this.syncer.drain(); // ...and acknowledged once durable
      this.hub.closeAll();
      await this.compactor.stop();
      await this.syncer.close();
      this.db.close();
    })();
    return this.closing;
  }

  private write(op: WriteOp): Promise<KeyValue> {
    try {
      this.checkOpen();
      validateKey(op.key);
      if ('expectedModRevision' in op && op.expectedModRevision !== undefined) {
        validateRevision('expectedModRevision', op.expectedModRevision);
      }
      if ('value' in op && !(op.value instanceof Uint8Array)) throw new StorageError('value must be a Uint8Array');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.batcher.submit(op);
  }

  /**
   * Returns `value` (read now, at the committed revision) once that revision is durable:
   * what a read saw can no longer be lost. Immediate when nothing is waiting for a flush.
   */
  private durable<T>(value: T): T | Promise<T> {
    const rev = this.committed;
    if (rev <= this.syncer.durableRevision) return value;
    return this.syncer.waitFor(rev).then(() => value);
  }

  private readRevision(requested: number | undefined): number {
    if (!requested) return this.committed;
    validateRevision('revision', requested);
    if (requested > this.syncer.durableRevision) throw new FutureRevisionError(requested, this.syncer.durableRevision);
    const compacted = this.compactor.compactRevision;
    if (requested < compacted) throw new CompactedError(requested, compacted);
    return requested;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}
