/**
 * Status objects as Go's encoding/json prints them: counters tagged `omitempty` in
 * k8s.io/api are left out when zero, and a merge patch has to say `null` to remove a
 * field the stored status still has (leaving it out of the patch would keep the old value).
 */

/**
 * Deletes, in place, each of `keys` whose value is 0 or '' (Go's `omitempty` on an int or
 * string field); returns the same object. Keys not listed (Go fields without omitempty,
 * or pointers whose zero means something) are kept even when zero.
 */
export function omitZero<T extends object>(status: T, keys: readonly (keyof T)[]): T {
  for (const k of keys) {
    const v = status[k];
    if (v === 0 || v === '' || v === undefined) delete status[k];
  }
  return status;
}

/**
 * The top level of a JSON merge patch that turns `prev` into `next`: every field of `next`,
 * and `null` for each field `prev` has, or `managed` names, that `next` lacks (`managed`
 * covers a cached `prev` older than the stored status). Values are replaced whole, so this
 * is for objects whose fields are scalars and lists (lists are replaced by a merge patch
 * anyway).
 */
export function statusMergePatch(prev: object | undefined, next: object, managed: readonly string[] = []): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const k of [...Object.keys(prev ?? {}), ...managed]) if (patch[k] === undefined) patch[k] = null;
  return patch;
}

/** Whether two statuses are equal as JSON (field order ignored; a missing field differs from a zero one). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));
}
