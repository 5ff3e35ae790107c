/**
 * Bounded memoization of pure functions of short strings. The same scalars recur on
 * every write of a kind (`10m`, `16Mi`, this second's timestamp), and parsing them is a
 * large share of a create's CPU. Only short inputs are kept, and the table is emptied when
 * full, so a hostile client can make it neither large nor slow.
 */

/** Inputs longer than this are computed every time (never kept). */
export const MEMO_MAX_INPUT = 64;
/** Entries kept before the table is emptied. */
export const MEMO_MAX_ENTRIES = 4096;

/**
 * `fn` memoized. `fn` must be pure, and callers must not mutate what it returns (it is
 * shared between calls).
 */
export function memoize<R>(fn: (s: string) => R): (s: string) => R {
  const table = new Map<string, R>();
  return (s: string): R => {
    if (s.length > MEMO_MAX_INPUT) return fn(s);
    let r = table.get(s);
    if (r === undefined && !table.has(s)) {
      r = fn(s);
      if (table.size >= MEMO_MAX_ENTRIES) table.clear();
      table.set(s, r);
    }
    return r as R;
  };
}

/**
 * `check` (a value's problems, [] when valid) remembering the short values it found valid,
 * which then get a fresh [] at once. Problems are computed every time: invalid input is
 * rare, and callers may keep or change the array they get.
 */
export function rememberValid(check: (s: string) => string[]): (s: string) => string[] {
  const valid = new Set<string>();
  return (s: string): string[] => {
    if (valid.has(s)) return [];
    const errs = check(s);
    if (errs.length === 0 && s.length <= MEMO_MAX_INPUT) {
      if (valid.size >= MEMO_MAX_ENTRIES) valid.clear();
      valid.add(s);
    }
    return errs;
  };
}
