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
 * After a run: `incremental_vacuum` of the free pages that the next writes will not reuse,
 * so the file shrinks after a burst (in steady state freed pages are reused and the file
 * stays flat), and `wal_checkpoint(TRUNCATE)` when that or a large transaction left a big
 * WAL (SQLite's own checkpoints keep it near 4 MiB otherwise).
 *
 * Auto-compaction keeps the last `retainRevisions` revisions, checked every `intervalMs`.
 */
import { statSync } from 'node:fs';
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
  /** Yields to the event loop between batches. */
  yieldFn?: () => Promise<void>;
}

/** A WAL larger than this is truncated after compaction (SQLite's auto-checkpoint keeps it near 4 MiB). */
const WAL_TRUNCATE_BYTES = 16 * 1024 * 1024;

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
  private idle: Promise<void> | undefined;
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
    // An idle reclaim in progress finishes first (it shares the connection's time, not state).
    return (this.idle ?? Promise.resolve()).then(() => this.ensureRunning());
  }

  /** Resumes a compaction interrupted by a crash, if any. */
  resume(): void {
    if (this.done < this.target) void this.ensureRunning().catch(() => undefined);
  }

  startAuto(auto: AutoCompaction): void {
    // Compact as soon as the kept history exceeds the retention by a tenth, so the log
    // (and the file) stays near `retainRevisions` rows whatever the write rate; when there
    // is nothing to compact, give back surplus free pages (after a burst has ended).
    const slack = Math.max(1, Math.ceil(auto.retainRevisions / 10));
    this.timer = setInterval(() => {
      if (this.running || this.idle || this.stopped) return;
      const committed = this.cfg.committedRevision();
      if (committed - this.target >= auto.retainRevisions + slack) {
        void this.compact(committed - auto.retainRevisions).catch(() => undefined);
      } else {
        this.idle = this.reclaim(0)
          .catch(() => undefined)
          .finally(() => {
            this.idle = undefined;
          });
      }
    }, auto.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for the batch in progress; the rest resumes on reopen. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    await this.idle;
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
      const freeBefore = this.freePages();
      while (this.done < this.target && !this.stopped) {
        const hi = Math.min(this.done + this.batchSize, this.target);
        this.markDone(hi);
        this.done = hi;
        await this.yieldFn();
      }
      if (!this.stopped) await this.reclaim(Math.max(0, this.freePages() - freeBefore));
    }
    this.runs++;
  }

  private freePages(): number {
    return this.db.pragma('freelist_count', { simple: true }) as number;
  }

  /**
   * Gives free pages back to the file system, keeping as slack twice what the last
   * compaction freed (under steady updates, the next writes reuse those pages: vacuuming
   * them would only make the file shrink and regrow) and 5 % of the file. Truncates the WAL
   * after vacuuming (that is when the file actually shrinks) or when it outgrew its limit.
   */
  private async reclaim(freedByLastRun: number): Promise<void> {
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    let free = this.freePages();
    const keep = Math.max(Math.floor(pageCount * 0.05), 2 * freedByLastRun, 256);
    const step = this.cfg.vacuumStep ?? 2_048;
    let vacuumed = false;
    while (free - keep >= 256 && !this.stopped) {
      this.db.pragma(`incremental_vacuum(${Math.min(step, free - keep)})`);
      free = this.freePages();
      vacuumed = true;
      await this.yieldFn();
    }
    const walBytes = statSync(`${this.db.name}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (vacuumed || walBytes > WAL_TRUNCATE_BYTES) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
