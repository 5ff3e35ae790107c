/**
 * The live keys and their latest values, in memory: a map for point reads and
 * compare-and-swap checks, plus an ordered key index for range reads. It is rebuilt
 * from the revision log on open and updated after each committed batch, so reads at
 * the latest revision never touch SQLite. Reads at older revisions go to the log.
 *
 * Why in memory: better-sqlite3 materialises every BLOB as a separate Buffer, which makes
 * a 10,000-key list cost ~100 ms from SQL on this class of machine; from here it costs
 * ~1 ms. The price is holding the live dataset in memory (etcd keeps it in its page
 * cache just the same).
 */
import type { KeyValue } from '../store.js';
import { compareKeys } from '../keys.js';
import { SortedKeys } from './sorted-keys.js';

export class CurrentState {
  private readonly byKey = new Map<string, KeyValue>();
  private readonly order = new SortedKeys();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): KeyValue | undefined {
    return this.byKey.get(key);
  }

  /** Records a committed write: the key's new state, or its deletion. */
  set(key: string, kv: KeyValue | undefined): void {
    if (kv) {
      if (!this.byKey.has(key)) this.order.insert(key);
      this.byKey.set(key, kv);
    } else if (this.byKey.delete(key)) {
      this.order.delete(key);
    }
  }

  /** Live keys in [start, end), in order, at most `limit` (0 = all). */
  list(start: string, end: string, limit: number): KeyValue[] {
    const out: KeyValue[] = [];
    if (compareKeys(start, end) >= 0) return out;
    for (const key of this.order.range(start, end)) {
      out.push(this.byKey.get(key) as KeyValue);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }

  /** Number of live keys in [start, end). */
  count(start: string, end: string): number {
    if (compareKeys(start, end) >= 0) return 0;
    return this.order.rank(end) - this.order.rank(start);
  }
}
