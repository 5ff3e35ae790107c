/**
 * The prepared statements of the revision log, and the mapping of rows to `KeyValue`s.
 * Every statement here is synchronous (better-sqlite3); callers decide transactions.
 */
import type { Statement } from 'better-sqlite3';
import type { KeyValue, WatchEvent } from '../store.js';
import type { Db } from './schema.js';

interface ListRow {
  name: string;
  create_revision: number;
  id: number;
  value: Buffer | null;
}

interface LogRow {
  id: number;
  name: string;
  deleted: number;
  create_revision: number;
  value: Buffer | null;
  p_id: number | null;
  p_create_revision: number | null;
  p_value: Buffer | null;
}

/** Newest row id per key in [start, end) at revision <= rev. Covered by the (name, prev_revision) index. */
const NEWEST_PER_KEY = `SELECT name AS n, MAX(id) AS mid FROM kv WHERE name >= @start AND name < @end AND id <= @rev GROUP BY name`;

export class Queries {
  readonly latestId: Statement<[string], { id: number }>;
  readonly insert: Statement<[number, string, number, number, number, Buffer | null]>;
  private readonly listPage: Statement<{ start: string; end: string; rev: number; limit: number }, ListRow>;
  private readonly countRange: Statement<{ start: string; end: string; rev: number }, { n: number }>;
  private readonly logPage: Statement<{ after: number; upTo: number; start: string; end: string; limit: number }, LogRow>;
  readonly deletePredecessors: Statement<{ lo: number; hi: number }>;
  readonly deleteTombstones: Statement<{ lo: number; hi: number }>;

  constructor(db: Db) {
    this.latestId = db.prepare('SELECT id FROM kv WHERE name = ? ORDER BY prev_revision DESC LIMIT 1');
    this.insert = db.prepare(
      'INSERT INTO kv (id, name, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.listPage = db.prepare(
      `SELECT kv.name, kv.create_revision, kv.id, kv.value FROM (${NEWEST_PER_KEY}) AS m
       JOIN kv ON kv.id = m.mid WHERE kv.deleted = 0 ORDER BY m.n LIMIT @limit`,
    );
    this.countRange = db.prepare(
      `SELECT count(*) AS n FROM (${NEWEST_PER_KEY}) AS m JOIN kv ON kv.id = m.mid WHERE kv.deleted = 0`,
    );
    // A tombstone's predecessor supplies the deleted value; a create's predecessor (none, or
    // a tombstone) supplies no previous kv.
    this.logPage = db.prepare(
      `SELECT k.id, k.name, k.deleted, k.create_revision, k.value,
              p.id AS p_id, p.create_revision AS p_create_revision, p.value AS p_value
       FROM kv AS k LEFT JOIN kv AS p ON p.id = k.prev_revision AND p.deleted = 0
       WHERE k.id > @after AND k.id <= @upTo AND k.name >= @start AND k.name < @end
       ORDER BY k.id LIMIT @limit`,
    );
    // Compaction of the rows (lo, hi]: each row makes its predecessor obsolete, and a
    // tombstone is obsolete itself. Rows are visited in id order, so when a tombstone
    // goes, everything older of its key has already gone.
    this.deletePredecessors = db.prepare(
      'DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > @lo AND id <= @hi AND prev_revision > 0)',
    );
    this.deleteTombstones = db.prepare('DELETE FROM kv WHERE id > @lo AND id <= @hi AND deleted = 1');
  }

  /** Live keys in [start, end) as of `rev`, in key order, at most `limit`. */
  list(start: string, end: string, rev: number, limit: number): KeyValue[] {
    const rows = this.listPage.all({ start, end, rev, limit });
    const out: KeyValue[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as ListRow;
      out[i] = { key: r.name, value: r.value ?? EMPTY, createRevision: r.create_revision, modRevision: r.id };
    }
    return out;
  }

  count(start: string, end: string, rev: number): number {
    return (this.countRange.get({ start, end, rev }) as { n: number }).n;
  }

  /** Events with revision in (after, upTo] for keys in [start, end), oldest first, at most `limit`. */
  events(after: number, upTo: number, start: string, end: string, limit: number): WatchEvent[] {
    const rows = this.logPage.all({ after, upTo, start, end, limit });
    return rows.map(rowToEvent);
  }
}

function rowToEvent(r: LogRow): WatchEvent {
  const prevKv: KeyValue | undefined =
    r.p_id === null
      ? undefined
      : { key: r.name, value: r.p_value ?? EMPTY, createRevision: r.p_create_revision ?? 0, modRevision: r.p_id };
  if (r.deleted) {
    return {
      type: 'DELETE',
      kv: { key: r.name, value: prevKv?.value ?? EMPTY, createRevision: r.create_revision, modRevision: r.id },
      ...(prevKv ? { prevKv } : {}),
    };
  }
  return {
    type: 'PUT',
    kv: { key: r.name, value: r.value ?? EMPTY, createRevision: r.create_revision, modRevision: r.id },
    ...(prevKv ? { prevKv } : {}),
  };
}

export const EMPTY: Uint8Array = new Uint8Array(0);

/** Views a Uint8Array as a Buffer without copying (better-sqlite3 binds only Buffers). */
export function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
