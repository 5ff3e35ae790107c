/**
 * Opening the SQLite file: pragmas and schema of the revision log.
 *
 * One append-only table, as in kine: every write appends a row; the row id is the
 * revision; the newest row of a key is its current state (a row with deleted = 1 is a
 * tombstone). `prev_revision` is the id of the key's previous row (0 when there is none);
 * the unique index on (name, prev_revision) is the compare-and-swap of last resort: two
 * writes that both think they follow the same row can never both be stored. Because
 * prev_revision increases with id for a given name, the same index also finds a key's
 * newest row (ORDER BY prev_revision DESC) and, being covering for (name, rowid), serves
 * "newest row per key at revision R" without touching the table.
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA_VERSION = 1;

export interface OpenDbOptions {
  path: string;
  /** Page cache size in KiB (default 64 MiB). */
  cacheKiB?: number;
}

/**
 * Opens or creates the database. Durability choices:
 * - WAL with synchronous=NORMAL, plus an explicit fdatasync of the WAL (wal-syncer.ts)
 *   before any write is acknowledged: as durable as synchronous=FULL (the argument is in
 *   wal-syncer.ts), but the flush runs off the event loop and serves every batch
 *   committed while it runs. A crash can lose only writes that were never acknowledged.
 * - locking_mode=EXCLUSIVE: this process is the only reader and writer of the file (the
 *   store keeps its revision counter and watchers in memory, so a second process writing
 *   the same file would be a bug; it gets SQLITE_BUSY instead). It also means no reader
 *   can ever hold back a checkpoint, which is how kine's WAL grew without bound.
 * - auto_vacuum=INCREMENTAL (must be set before the first table exists) lets compaction
 *   give pages back to the file system with `incremental_vacuum`.
 */
export function openDb(opts: OpenDbOptions): Db {
  // No busy waiting: the only other holder of the lock could be another process that owns
  // the file (see locking_mode below), and waiting would not help.
  const db = new Database(opts.path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    const fresh = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n === 0;
    if (fresh) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = -${opts.cacheKiB ?? 65536}`);
    db.pragma('temp_store = MEMORY');
    // After a checkpoint resets the WAL, truncate it to this size so a burst does not
    // leave a huge WAL file behind.
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    db.exec(`
      CREATE TABLE IF NOT EXISTS kv (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        create_revision INTEGER NOT NULL,
        prev_revision INTEGER NOT NULL,
        value BLOB
      );
      CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
      CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
    const version = readMeta(db, 'schema_version');
    if (version === undefined) writeMeta(db, 'schema_version', SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION) {
      throw new Error(`unsupported storage schema version ${version} in ${opts.path} (expected ${SCHEMA_VERSION})`);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function readMeta(db: Db, key: string): number | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: number } | undefined;
  return row?.value;
}

export function writeMeta(db: Db, key: string, value: number): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The highest revision ever assigned (rows may have been compacted away since). */
export function readLastRevision(db: Db): number {
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").get() as { seq: number } | undefined;
  return Math.max(seq?.seq ?? 0, readMeta(db, 'compact_revision') ?? 0);
}
