/**
 * The embedded SQLite backend of `Store`: a kine-like revision log in one file.
 * See schema.ts (layout, durability), write-batcher.ts (group commit), watch-hub.ts
 * (watchers), compactor.ts (compaction, checkpoints, vacuum).
 *
 * Reads run directly on the connection and see every acknowledged write (a write is
 * acknowledged only after its transaction committed). All SQLite work happens on the
 * event-loop thread in short synchronous steps; nothing holds a transaction open across
 * an await, so there is no "database is locked".
 */
import type { KeyValue, ListOptions, ListResult, Store, WatchEvent, Watcher } from '../store.js';
import { CompactedError, FutureRevisionError, StorageError, StoreClosedError } from '../errors.js';
import { prefixEnd, validateKey, validateRevision } from '../keys.js';
import { openDb, readLastRevision, type Db } from './schema.js';
import { Queries } from './queries.js';
import { WriteBatcher, type WriteOp } from './write-batcher.js';
import { WatchHub } from './watch-hub.js';
import { Compactor, type AutoCompaction } from './compactor.js';

export interface SqliteStoreConfig {
  /** Database file; created if missing. */
  path: string;
  /** Automatic compaction; `false` turns it off. Default: every 5 s, keep the last 10,000 revisions. */
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
    this.hub = new WatchHub({
      source: {
        committedRevision: () => this.committed,
        compactRevision: () => this.compactor.compactRevision,
        readEvents: (after, upTo, start, end, limit) => this.q.events(after, upTo, start, end, limit),
      },
      ...(cfg.watchBacklog ? { maxBacklog: cfg.watchBacklog } : {}),
    });
    this.batcher = new WriteBatcher({
      db: this.db,
      queries: this.q,
      committedRevision: () => this.committed,
      onCommit: (events: WatchEvent[], rev: number) => {
        this.committed = rev;
        this.hub.publish(events, rev);
      },
      ...(cfg.maxBatch ? { maxBatch: cfg.maxBatch } : {}),
    });
    this.compactor.resume();
    if (cfg.autoCompaction !== false) {
      this.compactor.startAuto({
        intervalMs: cfg.autoCompaction?.intervalMs ?? 5_000,
        retainRevisions: cfg.autoCompaction?.retainRevisions ?? 10_000,
      });
    }
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    validateKey(key);
    const row = this.q.latest.get(key);
    if (!row || row.deleted) return undefined;
    return { key, value: row.value ?? new Uint8Array(0), createRevision: row.create_revision, modRevision: row.id };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const rev = this.readRevision(opts.revision);
    const end = prefixEnd(prefix);
    if (end === undefined) return { items: [], revision: rev, more: false };
    let start = prefix;
    if (opts.continueFrom !== undefined) {
      const after = opts.continueFrom + '\u0000'; // the smallest key greater than continueFrom
      if (after > start) start = after;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    if (limit === 0) return { items: this.q.list(start, end, rev, -1), revision: rev, more: false };
    const rows = this.q.list(start, end, rev, limit + 1);
    if (rows.length <= limit) return { items: rows, revision: rev, more: false };
    const items = rows.slice(0, limit);
    const lastKey = (items[items.length - 1] as KeyValue).key;
    const remaining = this.q.count(lastKey + '\u0000', end, rev);
    return { items, revision: rev, more: true, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    const end = prefixEnd(prefix);
    return end === undefined ? 0 : this.q.count(prefix, end, this.committed);
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
    if (revision > this.committed) throw new FutureRevisionError(revision, this.committed);
    await this.compactor.compact(revision);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.committed;
  }

  /** The revision below which history is gone. */
  compactRevision(): number {
    return this.compactor.compactRevision;
  }

  /** Counters for tests, the benchmark and metrics. `rows` counts the log (live keys + retained history). */
  stats(): { commits: number; writes: number; rows: number; compactRevision: number; compactions: number; watchers: number } {
    this.checkOpen();
    const rows = (this.db.prepare('SELECT count(*) AS n FROM kv').get() as { n: number }).n;
    return {
      ...this.batcher.counters,
      rows,
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
      this.batcher.flush(); // writes already submitted are committed and acknowledged
      this.hub.closeAll();
      await this.compactor.stop();
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

  private readRevision(requested: number | undefined): number {
    if (!requested) return this.committed;
    validateRevision('revision', requested);
    if (requested > this.committed) throw new FutureRevisionError(requested, this.committed);
    const compacted = this.compactor.compactRevision;
    if (requested < compacted) throw new CompactedError(requested, compacted);
    return requested;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}
