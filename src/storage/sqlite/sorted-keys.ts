/**
 * An ordered set of keys (in `compareKeys` order) as a list of sorted chunks: O(log n)
 * lookup, O(chunk) insert/delete, ordered range scans and ranks. A sorted array of
 * chunks is enough here: keys are added and removed far less often than values change.
 */
import { compareKeys } from '../keys.js';

const MAX_CHUNK = 512;

export class SortedKeys {
  private chunks: string[][] = [];
  private _size = 0;

  get size(): number {
    return this._size;
  }

  /** Adds `key`; no-op if present. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this._size = 1;
      return;
    }
    const ci = Math.min(this.chunkIndex(key), this.chunks.length - 1);
    const chunk = this.chunks[ci] as string[];
    const i = lowerBound(chunk, key);
    if (i < chunk.length && chunk[i] === key) return;
    chunk.splice(i, 0, key);
    this._size++;
    if (chunk.length > MAX_CHUNK) this.chunks.splice(ci, 1, chunk.slice(0, chunk.length >> 1), chunk.slice(chunk.length >> 1));
  }

  /** Removes `key`; no-op if absent. */
  delete(key: string): void {
    const ci = this.chunkIndex(key);
    const chunk = this.chunks[ci];
    if (!chunk) return;
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return;
    chunk.splice(i, 1);
    this._size--;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
  }

  /** Number of keys strictly less than `key`. */
  rank(key: string): number {
    const ci = this.chunkIndex(key);
    let n = 0;
    for (let c = 0; c < ci; c++) n += (this.chunks[c] as string[]).length;
    const chunk = this.chunks[ci];
    return chunk ? n + lowerBound(chunk, key) : n;
  }

  /** Keys k with start <= k < end, in order. */
  *range(start: string, end: string): Generator<string> {
    const first = this.chunkIndex(start);
    for (let ci = first; ci < this.chunks.length; ci++) {
      const chunk = this.chunks[ci] as string[];
      for (let i = ci === first ? lowerBound(chunk, start) : 0; i < chunk.length; i++) {
        const k = chunk[i] as string;
        if (compareKeys(k, end) >= 0) return;
        yield k;
      }
    }
  }

  /** The first chunk whose last key is >= key (chunks.length if none). */
  private chunkIndex(key: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid] as string[];
      if (compareKeys(chunk[chunk.length - 1] as string, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First index i with arr[i] >= key. */
function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(arr[mid] as string, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
