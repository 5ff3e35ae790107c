/**
 * Compaction of the revision log, and giving the space back.
 *
 * `compact(R)` first records R as the compact revision (from then on, reads below R fail
 * with CompactedError), then deletes obsolete rows in bounded batches, each its own
 * short transaction, yielding to the event loop in between so writes keep flowing. A row
 * is obsolete at R when a newer row of its key exists at or below R (that newer row names
 * it as prev_revision), or when it is a tombstone at or below R. Progress is stored with
 * each batch ("compact_done"), so a compaction interrupted by a crash resumes on reopen.
 *
 * After a run: `wal_checkpoint(TRUNCATE)` so the WAL does not grow, and, when a large
 * share of the file is free pages, `incremental_vacuum` so the file shrinks (in steady
 * state freed pages are reused by new rows and the file stays flat).
 *
 * Auto-compaction keeps the last `retainRevisions` revisions, checked every `intervalMs`.
 */
import type { Queries } from './queries.js';
import { readMeta, writeMeta, type Db } from './schema.js';

export interface CompactorConfig {
  db: Db;
  queries: Queries;
  committedRevision(): number;
  /** Rows (by id range) deleted per transaction. */
  batchSize?: number;
  /** Pages given back per incremental_vacuum step. */
  vacuumStep?: number;
  /** Vacuum when free pages exceed this share of the file (and 1 MiB). */
  vacuumFreeRatio?: number;
  /** Yields to the event loop between batches. */
  yieldFn?: () => Promise<void>;
}

export interface AutoCompaction {
  intervalMs: number;
  retainRevisions: number;
}

export class Compactor {
  private readonly db: Db;
  private readonly q: Queries;
  private readonly cfg: CompactorConfig;
  private readonly batchSize: number;
  private readonly yieldFn: () => Promise<void>;
  private readonly markDone: (done: number) => void;
  private target: number;
  private done: number;
  private running: Promise<void> | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** Runs completed (for tests and the benchmark). */
  runs = 0;

  constructor(cfg: CompactorConfig) {
    this.cfg = cfg;
    this.db = cfg.db;
    this.q = cfg.queries;
    this.batchSize = cfg.batchSize ?? 5_000;
    this.yieldFn = cfg.yieldFn ?? (() => new Promise((r) => setImmediate(r)));
    this.target = readMeta(this.db, 'compact_revision') ?? 0;
    this.done = readMeta(this.db, 'compact_done') ?? 0;
    const del = this.db.transaction((lo: number, hi: number) => {
      this.q.deletePredecessors.run({ lo, hi });
      this.q.deleteTombstones.run({ lo, hi });
      writeMeta(this.db, 'compact_done', hi);
    });
    this.markDone = (hi) => del(this.done, hi);
  }

  /** Reads below this revision fail with CompactedError. */
  get compactRevision(): number {
    return this.target;
  }

  /** Starts compacting up to `revision` (caller validated it) and resolves when the rows are gone. */
  compact(revision: number): Promise<void> {
    if (revision > this.target) {
      writeMeta(this.db, 'compact_revision', revision);
      this.target = revision;
    }
    return this.ensureRunning();
  }

  /** Resumes a compaction interrupted by a crash, if any. */
  resume(): void {
    if (this.done < this.target) void this.ensureRunning().catch(() => undefined);
  }

  startAuto(auto: AutoCompaction): void {
    this.timer = setInterval(() => {
      const target = this.cfg.committedRevision() - auto.retainRevisions;
      if (target > this.target && !this.running) void this.compact(target).catch(() => undefined);
    }, auto.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for the batch in progress; the rest resumes on reopen. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private ensureRunning(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    // A compact() raising the target while this run reclaims space is picked up by the outer loop.
    while (this.done < this.target && !this.stopped) {
      while (this.done < this.target && !this.stopped) {
        const hi = Math.min(this.done + this.batchSize, this.target);
        this.markDone(hi);
        this.done = hi;
        await this.yieldFn();
      }
      if (!this.stopped) await this.reclaim();
    }
    this.runs++;
  }

  private async reclaim(): Promise<void> {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    let free = this.db.pragma('freelist_count', { simple: true }) as number;
    const ratio = this.cfg.vacuumFreeRatio ?? 0.25;
    if (free * pageSize < 1024 * 1024 || free < pageCount * ratio) return;
    // Keep some free pages as slack for the next writes; give back the rest.
    const keep = Math.floor(pageCount * 0.05);
    const step = this.cfg.vacuumStep ?? 2_048;
    while (free > keep && !this.stopped) {
      this.db.pragma(`incremental_vacuum(${Math.min(step, free - keep)})`);
      free = this.db.pragma('freelist_count', { simple: true }) as number;
      await this.yieldFn();
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
