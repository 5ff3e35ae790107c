/**
 * Group commit. better-sqlite3 is synchronous, so concurrency exists only as writes
 * queued while the event loop is busy: every write submitted before the next
 * `setImmediate` tick joins one transaction, committed with one fsync. Each write is
 * checked (existence, compare-and-swap on modRevision) against the state inside that
 * transaction, so writes to the same key within a batch behave exactly as if they had
 * been committed one by one, in submission order. A write's promise settles only after
 * COMMIT has returned (durable, see schema.ts): an acknowledged write is on disk.
 */
import type { KeyValue, WatchEvent } from '../store.js';
import { AlreadyExistsError, ConflictError, NotFoundError, StorageError } from '../errors.js';
import { asBuffer, EMPTY, type LatestRow, type Queries } from './queries.js';
import type { Db } from './schema.js';

export type WriteOp =
  | { kind: 'create'; key: string; value: Uint8Array }
  | { kind: 'update'; key: string; value: Uint8Array; expectedModRevision: number }
  | { kind: 'delete'; key: string; expectedModRevision?: number };

interface Pending {
  op: WriteOp;
  resolve(kv: KeyValue): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; kv: KeyValue } | { ok: false; err: StorageError };

export interface WriteBatcherConfig {
  db: Db;
  queries: Queries;
  /** The last committed revision (read when a batch starts). */
  committedRevision(): number;
  /** Called after COMMIT with the batch's events (revision order) and the new committed revision. */
  onCommit(events: WatchEvent[], committedRevision: number): void;
  /** Most writes in one transaction; more wait for the next one (bounds a batch's latency). */
  maxBatch?: number;
  /** Defers a flush; defaults to setImmediate. */
  schedule?: (fn: () => void) => void;
}

export class WriteBatcher {
  private readonly db: Db;
  private readonly q: Queries;
  private readonly cfg: WriteBatcherConfig;
  private readonly maxBatch: number;
  private readonly schedule: (fn: () => void) => void;
  private queue: Pending[] = [];
  /** Transactions committed and writes acknowledged (group-commit efficiency = writes / commits). */
  readonly counters = { commits: 0, writes: 0 };
  private scheduled = false;
  private readonly runBatch: (ops: Pending[], firstRevision: number) => { outcomes: Outcome[]; events: WatchEvent[]; last: number };

  constructor(cfg: WriteBatcherConfig) {
    this.cfg = cfg;
    this.db = cfg.db;
    this.q = cfg.queries;
    this.maxBatch = cfg.maxBatch ?? 1024;
    this.schedule = cfg.schedule ?? ((fn) => setImmediate(fn));
    this.runBatch = this.db.transaction((ops: Pending[], firstRevision: number) => {
      let rev = firstRevision - 1;
      const outcomes: Outcome[] = [];
      const events: WatchEvent[] = [];
      for (const p of ops) {
        try {
          const { kv, event } = this.apply(p.op, rev + 1);
          rev += 1;
          outcomes.push({ ok: true, kv });
          events.push(event);
        } catch (err) {
          if (!(err instanceof StorageError)) throw err; // aborts (rolls back) the whole batch
          outcomes.push({ ok: false, err });
        }
      }
      return { outcomes, events, last: rev };
    });
  }

  /** Queues a write; resolves once it is committed, rejects with a StorageError if its precondition fails. */
  submit(op: WriteOp): Promise<KeyValue> {
    return new Promise<KeyValue>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(() => this.flush());
      }
    });
  }

  /** Number of writes waiting for the next transaction. */
  get pending(): number {
    return this.queue.length;
  }

  /** Commits everything queued, now, synchronously (used by the tick and by close). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const ops = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
      this.commit(ops);
      if (this.queue.length > 0 && !this.scheduled) {
        // Let reads, acknowledgements and watchers run between two full batches.
        this.scheduled = true;
        this.schedule(() => this.flush());
        return;
      }
    }
  }

  private commit(ops: Pending[]): void {
    let result: ReturnType<typeof this.runBatch>;
    try {
      result = this.runBatch(ops, this.cfg.committedRevision() + 1);
    } catch (err) {
      for (const p of ops) p.reject(err);
      return;
    }
    this.counters.commits++;
    this.counters.writes += result.events.length;
    if (result.events.length > 0) this.cfg.onCommit(result.events, result.last);
    result.outcomes.forEach((o, i) => {
      const p = ops[i] as Pending;
      if (o.ok) p.resolve(o.kv);
      else p.reject(o.err);
    });
  }

  /** Applies one write inside the batch's transaction; throws a StorageError if its precondition fails. */
  private apply(op: WriteOp, rev: number): { kv: KeyValue; event: WatchEvent } {
    const cur = this.q.latest.get(op.key);
    const live = cur !== undefined && cur.deleted === 0 ? cur : undefined;
    switch (op.kind) {
      case 'create': {
        if (live) throw new AlreadyExistsError(op.key);
        this.q.insert.run(rev, op.key, 0, rev, cur?.id ?? 0, asBuffer(op.value));
        const kv = { key: op.key, value: op.value, createRevision: rev, modRevision: rev };
        return { kv, event: { type: 'PUT', kv } };
      }
      case 'update': {
        if (!live) throw new NotFoundError(op.key);
        const prevKv = toKv(op.key, live);
        if (live.id !== op.expectedModRevision) throw new ConflictError(op.key, op.expectedModRevision, prevKv);
        this.q.insert.run(rev, op.key, 0, live.create_revision, live.id, asBuffer(op.value));
        const kv = { key: op.key, value: op.value, createRevision: live.create_revision, modRevision: rev };
        return { kv, event: { type: 'PUT', kv, prevKv } };
      }
      case 'delete': {
        if (!live) throw new NotFoundError(op.key);
        const prevKv = toKv(op.key, live);
        if (op.expectedModRevision !== undefined && live.id !== op.expectedModRevision) {
          throw new ConflictError(op.key, op.expectedModRevision, prevKv);
        }
        this.q.insert.run(rev, op.key, 1, live.create_revision, live.id, null);
        const kv = { key: op.key, value: prevKv.value, createRevision: live.create_revision, modRevision: rev };
        return { kv: prevKv, event: { type: 'DELETE', kv, prevKv } };
      }
    }
  }
}

function toKv(key: string, row: LatestRow): KeyValue {
  return { key, value: row.value ?? EMPTY, createRevision: row.create_revision, modRevision: row.id };
}
