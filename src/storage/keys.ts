/**
 * Key-range helpers shared by the backends. Keys are compared as UTF-8 bytes (SQLite's
 * BINARY collation on TEXT, etcd's byte keys), which is the same order as Unicode code
 * points, so a prefix range can be computed on code points.
 */
import { StorageError } from './errors.js';

/** The largest code point; keys may not contain it, so it can bound the whole key space. */
const MAX_CODE_POINT = 0x10ffff;

/** A lone surrogate makes a string unencodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Exclusive upper bound of the whole key space (used for the empty prefix). */
export const KEY_SPACE_END = String.fromCodePoint(MAX_CODE_POINT);

/** Throws `StorageError` unless `key` is a non-empty, well-formed string usable as a key. */
export function validateKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new StorageError('key must be a non-empty string');
  }
  if (LONE_SURROGATE.test(key)) throw new StorageError(`key is not well-formed UTF-16: ${JSON.stringify(key)}`);
  if (key.includes(KEY_SPACE_END)) throw new StorageError('key may not contain U+10FFFF');
}

/**
 * The smallest string greater than every string starting with `prefix`, or undefined when
 * the prefix cannot match any valid key. '' gives `KEY_SPACE_END`.
 */
export function prefixEnd(prefix: string): string | undefined {
  if (prefix === '') return KEY_SPACE_END;
  if (prefix.includes(KEY_SPACE_END) || LONE_SURROGATE.test(prefix)) return undefined;
  const points = Array.from(prefix);
  const last = points.pop() as string;
  let next = (last.codePointAt(0) as number) + 1;
  if (next === 0xd800) next = 0xe000; // skip the surrogate block: not code points of their own
  return points.join('') + String.fromCodePoint(next);
}

/** Validates an integer revision argument. */
export function validateRevision(name: string, revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new StorageError(`${name} must be a non-negative integer, got ${revision}`);
  }
}

/**
 * Orders keys as UTF-8 bytes (= code points), like SQLite's BINARY collation and etcd,
 * rather than as UTF-16 code units (JavaScript's `<`), which differ once astral
 * characters meet U+E000–U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x - y;
  }
  return a.length - b.length;
}
