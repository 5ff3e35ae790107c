/**
 * Makes committed transactions durable without blocking the event loop.
 *
 * The connection runs with synchronous=NORMAL, so COMMIT writes the transaction's WAL
 * frames with write(2) but does not flush them. This class then runs fdatasync(2) on the
 * WAL file on libuv's thread pool, and reports the highest revision whose frames were
 * written before that fdatasync started: that revision and everything before it are on
 * stable storage. Writes are acknowledged only then (see write-batcher.ts).
 *
 * Why this is as durable as synchronous=FULL: fdatasync flushes every byte written to the
 * file before the call, so each acknowledged transaction's frames, commit frame
 * included, are on disk; SQLite's recovery replays the WAL up to the last valid commit
 * frame (frames carry chained checksums, so what is recovered is always a prefix of the
 * commit history). NORMAL still syncs the WAL before each checkpoint, the database file
 * after it, and the WAL header when the WAL is reused, so checkpoints never lose frames.
 * What we gain: fdatasync instead of fsync (no mtime journal commit), off the main
 * thread, and pipelined — batches committed while a flush is running share the next one.
 */
import { close, fdatasync, open } from 'node:fs';
import { StorageError } from '../errors.js';

export interface WalSyncerConfig {
  /** The database's `-wal` file. */
  walPath: string;
  /** Revisions <= this are durable at start (everything on disk when the store opened). */
  durableRevision: number;
  /** Called (in order, increasing) each time more revisions become durable. */
  onDurable(revision: number): void;
  /** Called once if a flush fails: durability can no longer be promised. */
  onFailure(err: StorageError): void;
  /** Flushes a file (injectable for tests); default: fdatasync through a descriptor kept open until close(). */
  flush?: (path: string) => Promise<void>;
}

/**
 * fdatasync on the WAL through a descriptor opened once: opening and closing it around
 * every flush tripled the thread-pool round trips of a write. Safe to keep: while the
 * database is open SQLite reuses its WAL file (resets or truncates it, same inode) and
 * deletes it only when the last connection closes — after close() here.
 */
class WalFile {
  private fd: Promise<number> | undefined;

  constructor(private readonly path: string) {}

  async sync(): Promise<void> {
    this.fd ??= new Promise<number>((resolve, reject) => open(this.path, 'r+', (err, fd) => (err ? reject(err) : resolve(fd))));
    const fd = await this.fd.catch((err: unknown) => {
      this.fd = undefined; // not there yet (or gone): open again next time
      throw err;
    });
    await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    const fd = await this.fd?.catch(() => undefined);
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }
}

export class WalSyncer {
  private readonly cfg: WalSyncerConfig;
  private readonly flush: (path: string) => Promise<void>;
  private readonly wal: WalFile | undefined;
  private durable: number;
  private requested: number;
  private running: Promise<void> | undefined;
  private failure: StorageError | undefined;
  private waiters: Array<{ revision: number; resolve: () => void; reject: (err: Error) => void }> = [];
  /** Flushes done (for tests and the benchmark). */
  flushes = 0;

  constructor(cfg: WalSyncerConfig) {
    this.cfg = cfg;
    this.wal = cfg.flush ? undefined : new WalFile(cfg.walPath);
    this.flush = cfg.flush ?? (() => (this.wal as WalFile).sync());
    this.durable = cfg.durableRevision;
    this.requested = cfg.durableRevision;
  }

  get durableRevision(): number {
    return this.durable;
  }

  get failed(): StorageError | undefined {
    return this.failure;
  }

  /** A transaction up to `revision` has been committed: make it durable soon. */
  request(revision: number): void {
    if (revision > this.requested) this.requested = revision;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once `revision` is durable; rejects if flushing failed. */
  waitFor(revision: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (revision <= this.durable) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ revision, resolve, reject }));
  }

  /** Waits until every requested revision is durable (or flushing failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Drains, then lets go of the WAL's descriptor (before the database closes). */
  async close(): Promise<void> {
    await this.drain();
    await this.wal?.close();
  }

  private async run(): Promise<void> {
    while (this.requested > this.durable && !this.failure) {
      const target = this.requested; // everything committed before the flush starts
      try {
        await this.flush(this.cfg.walPath);
      } catch (err) {
        // After a failed fsync the kernel may have dropped the dirty pages: retrying could
        // "succeed" without the data. Stop promising durability instead.
        this.failure = new StorageError('flushing the SQLite WAL failed; the store must be reopened', { cause: err });
        for (const w of this.waiters.splice(0)) w.reject(this.failure);
        this.cfg.onFailure(this.failure);
        return;
      }
      this.flushes++;
      this.durable = target;
      this.cfg.onDurable(target);
      const still: typeof this.waiters = [];
      for (const w of this.waiters) (w.revision <= target ? w.resolve : () => still.push(w))();
      this.waiters = still;
    }
  }
}
