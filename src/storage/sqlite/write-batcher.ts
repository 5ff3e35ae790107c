/**
 * Group commit. better-sqlite3 is synchronous, so concurrency exists only as writes
 * queued while the event loop is busy: every write submitted before the next
 * `setImmediate` tick joins one transaction. Each write is checked (existence,
 * compare-and-swap on modRevision) against the in-memory current state plus the batch's
 * own earlier writes, so writes to one key within a batch behave exactly as if committed
 * one by one, in submission order.
 *
 * A batch is acknowledged only when it is durable: after COMMIT the batcher asks the
 * WalSyncer to flush the WAL and settles the batch's promises (and publishes its events)
 * when that flush covers it. Batches committed while a flush runs wait for the next one,
 * so one fdatasync serves every write that arrived meanwhile. Failed preconditions wait
 * too: the state they were judged against must be durable before anyone is told.
 */
import type { KeyValue, WatchEvent } from '../store.js';
import { AlreadyExistsError, ConflictError, NotFoundError, StorageError } from '../errors.js';
import { asBuffer, type Queries } from './queries.js';
import type { CurrentState } from './current-state.js';
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

interface Committed {
  ops: Pending[];
  outcomes: Outcome[];
  events: WatchEvent[];
  /** The committed revision after this batch. */
  last: number;
}

export interface WriteBatcherConfig {
  db: Db;
  queries: Queries;
  state: CurrentState;
  /** The last committed (not necessarily durable) revision. */
  committedRevision(): number;
  /** After COMMIT: the new committed revision (before it is durable). */
  onCommit(committedRevision: number): void;
  /** The last durable revision. */
  durableRevision(): number;
  /** Ask for a flush covering `revision`; `release` is called when it is done. */
  requestSync(revision: number): void;
  /** After a batch became durable: its events, in revision order. */
  onDurable(events: WatchEvent[], revision: number): void;
  /** Most writes in one transaction; more wait for the next one (bounds a batch's latency). */
  maxBatch?: number;
  /** Defers a flush; defaults to setImmediate. */
  schedule?: (fn: () => void) => void;
}

export class WriteBatcher {
  private readonly cfg: WriteBatcherConfig;
  private readonly q: Queries;
  private readonly state: CurrentState;
  private readonly maxBatch: number;
  private readonly schedule: (fn: () => void) => void;
  private queue: Pending[] = [];
  private unsynced: Committed[] = [];
  private scheduled = false;
  private failure: Error | undefined;
  /** The batch's own writes, seen by its later writes before the state is updated. */
  private overlay = new Map<string, KeyValue | null>();
  private readonly runBatch: (ops: Pending[], firstRevision: number) => { outcomes: Outcome[]; events: WatchEvent[]; last: number };
  /** Transactions committed and writes acknowledged (group-commit efficiency = writes / commits). */
  readonly counters = { commits: 0, writes: 0 };

  constructor(cfg: WriteBatcherConfig) {
    this.cfg = cfg;
    this.q = cfg.queries;
    this.state = cfg.state;
    this.maxBatch = cfg.maxBatch ?? 1024;
    this.schedule = cfg.schedule ?? ((fn) => setImmediate(fn));
    this.runBatch = cfg.db.transaction((ops: Pending[], firstRevision: number) => {
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

  /** Queues a write; resolves once it is durable, rejects with a StorageError if its precondition fails. */
  submit(op: WriteOp): Promise<KeyValue> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<KeyValue>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(() => this.flush());
      }
    });
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

  /** Settles every committed batch up to `durable` (called by the syncer, in order). */
  release(durable: number): void {
    while (this.unsynced.length > 0 && (this.unsynced[0] as Committed).last <= durable) {
      const c = this.unsynced.shift() as Committed;
      if (c.events.length > 0) this.cfg.onDurable(c.events, c.last);
      c.outcomes.forEach((o, i) => {
        const p = c.ops[i] as Pending;
        if (o.ok) p.resolve(o.kv);
        else p.reject(o.err);
      });
    }
  }

  /** Durability can no longer be promised: fail everything not yet acknowledged, and every later write. */
  fail(err: Error): void {
    this.failure = err;
    for (const c of this.unsynced.splice(0)) for (const p of c.ops) p.reject(err);
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  private commit(ops: Pending[]): void {
    if (this.failure) {
      for (const p of ops) p.reject(this.failure);
      return;
    }
    let result: ReturnType<typeof this.runBatch>;
    this.overlay = new Map();
    try {
      result = this.runBatch(ops, this.cfg.committedRevision() + 1);
    } catch (err) {
      for (const p of ops) p.reject(err);
      return;
    }
    for (const [key, kv] of this.overlay) this.state.set(key, kv ?? undefined);
    this.overlay = new Map();
    this.counters.commits++;
    this.counters.writes += result.events.length;
    if (result.last > this.cfg.committedRevision()) this.cfg.onCommit(result.last);
    this.unsynced.push({ ops, outcomes: result.outcomes, events: result.events, last: result.last });
    if (result.last <= this.cfg.durableRevision()) this.release(this.cfg.durableRevision());
    else this.cfg.requestSync(result.last);
  }

  private current(key: string): KeyValue | undefined {
    const staged = this.overlay.get(key);
    return staged === undefined ? this.state.get(key) : (staged ?? undefined);
  }

  /** Applies one write inside the batch's transaction; throws a StorageError if its precondition fails. */
  private apply(op: WriteOp, rev: number): { kv: KeyValue; event: WatchEvent } {
    const live = this.current(op.key);
    switch (op.kind) {
      case 'create': {
        if (live) throw new AlreadyExistsError(op.key);
        // The key may have a tombstone (or an older life not yet compacted): chain after it.
        const prev = this.q.latestId.get(op.key)?.id ?? 0;
        this.q.insert.run(rev, op.key, 0, rev, prev, asBuffer(op.value));
        const kv = { key: op.key, value: op.value, createRevision: rev, modRevision: rev };
        this.overlay.set(op.key, kv);
        return { kv, event: { type: 'PUT', kv } };
      }
      case 'update': {
        if (!live) throw new NotFoundError(op.key);
        if (live.modRevision !== op.expectedModRevision) throw new ConflictError(op.key, op.expectedModRevision, live);
        this.q.insert.run(rev, op.key, 0, live.createRevision, live.modRevision, asBuffer(op.value));
        const kv = { key: op.key, value: op.value, createRevision: live.createRevision, modRevision: rev };
        this.overlay.set(op.key, kv);
        return { kv, event: { type: 'PUT', kv, prevKv: live } };
      }
      case 'delete': {
        if (!live) throw new NotFoundError(op.key);
        if (op.expectedModRevision !== undefined && live.modRevision !== op.expectedModRevision) {
          throw new ConflictError(op.key, op.expectedModRevision, live);
        }
        this.q.insert.run(rev, op.key, 1, live.createRevision, live.modRevision, null);
        this.overlay.set(op.key, null);
        const kv = { key: op.key, value: live.value, createRevision: live.createRevision, modRevision: rev };
        return { kv: live, event: { type: 'DELETE', kv, prevKv: live } };
      }
    }
  }
}
