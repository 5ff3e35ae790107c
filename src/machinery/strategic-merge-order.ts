/**
 * The list-ordering half of the strategic merge patch: partitioning a merged list into
 * patch and server-only elements and ordering them as upstream's normalizeElementOrder,
 * plus the merge-key checks those steps make.
 */
import { type JsonValue, deepEqual, hasOwn, isJsonObject } from './json-value.js';
import { PatchError, goFormat } from './patch-error.js';

export const DIRECTIVE = '$patch';
export const SET_ORDER = '$setElementOrder';

export type Kind = 'object' | 'primitive';

export function badArgType(expected: string, actual: JsonValue | undefined): PatchError {
  const t = actual === undefined || actual === null ? '<nil>' : Array.isArray(actual) ? '[]interface {}' : isJsonObject(actual) ? 'map[string]interface {}' : typeof actual === 'number' ? 'float64' : typeof actual;
  return new PatchError(`expected a ${expected}, but received a ${t}`, 422);
}

export const noMergeKey = (m: JsonValue, key: string): PatchError => new PatchError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`, 422);

/**
 * The live list as upstream's ordering step sees it after merging. Upstream deletes and
 * appends in place on the live slice (whose capacity equals its length), so the slots
 * freed by `$patch: delete` are overwritten by the first new elements — and those then
 * count as "live" when server-only elements are interleaved. Upstream's own tests pin the
 * resulting order (e.g. live [1, 4], order [2, 3], delete 1 → [4, 2, 3]), so this replays it.
 */
export function goAliasedOriginal(original: JsonValue[], patch: JsonValue[], mergeKey: string): JsonValue[] {
  const backing = [...original];
  const cap = backing.length;
  let len = cap;
  const keyOf = (e: JsonValue | undefined): string | undefined => (isJsonObject(e) && hasOwn(e, mergeKey) ? identityString(e[mergeKey]) : undefined);
  const keys = backing.map(keyOf);
  const indexOfKey = (k: string): number => {
    for (let i = 0; i < len; i++) if (keys[i] === k) return i;
    return -1;
  };
  let replaced = false;
  const plain: JsonValue[] = [];
  for (const v of patch) {
    if (!isJsonObject(v) || !hasOwn(v, DIRECTIVE)) { plain.push(v); continue; }
    if (v[DIRECTIVE] === 'replace') { replaced = true; continue; }
    const k = keyOf(v);
    if (v[DIRECTIVE] !== 'delete' || k === undefined) continue;
    for (let i = indexOfKey(k); i >= 0; i = indexOfKey(k)) {
      backing.copyWithin(i, i + 1, len);
      keys.copyWithin(i, i + 1, len);
      len--;
    }
  }
  if (replaced) return backing;
  for (const v of plain) {
    const k = keyOf(v);
    if (k !== undefined && indexOfKey(k) >= 0) continue;
    if (len >= cap) break; // the slice was reallocated: later appends are invisible
    keys[len] = k;
    backing[len++] = v;
  }
  return backing;
}

/** Upstream's check that the patch list is in the same relative order as `$setElementOrder`. */
export function validatePatchWithSetOrderList(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < order.length) {
    const item = nonDelete[p] as JsonValue;
    if (isJsonObject(item) && hasOwn(item, DIRECTIVE)) { p++; continue; }
    if (deepEqual(mergeKeyValue(item, mergeKey, true), mergeKeyValue(order[s] as JsonValue, mergeKey, true))) p++;
    s++;
  }
  if (p < nonDelete.length && s >= order.length) {
    throw new PatchError(`the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ORDER} list:\n${goFormat(order)}`, 400);
  }
}

/**
 * The value an element is identified by: its merge-key field for object lists, itself for
 * primitive lists. With `strict`, an object lacking the key is an error.
 */
export function mergeKeyValue(item: JsonValue, mergeKey: string, strict: boolean): JsonValue | undefined {
  if (mergeKey === '') return item;
  if (!isJsonObject(item)) {
    if (strict) throw badArgType('map[string]interface {}', item);
    return undefined;
  }
  if (!hasOwn(item, mergeKey)) {
    if (strict) throw noMergeKey(item, mergeKey);
    return undefined;
  }
  return item[mergeKey] as JsonValue;
}

export function extractToDeleteItems(list: JsonValue[]): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const del: JsonValue[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) throw badArgType('map[string]interface {}', v);
    if (v[DIRECTIVE] === 'delete' && hasOwn(v, DIRECTIVE)) del.push(v);
    else keep.push(v);
  }
  return [keep, del];
}

/**
 * A string that is equal for two JSON values exactly when they are deepEqual (object keys
 * sorted), so identity lookups can use Maps and Sets instead of nested scans.
 */
export function identityString(v: JsonValue | undefined): string {
  if (v === undefined) return 'u';
  if (Array.isArray(v)) return `[${v.map(identityString).join(',')}]`;
  if (isJsonObject(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${identityString(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The identity of an element: its merge-key value for object lists, itself for primitives. */
function elementKey(x: JsonValue, kind: Kind, mergeKey: string): string {
  if (kind !== 'object') return identityString(x);
  return identityString(isJsonObject(x) && hasOwn(x, mergeKey) ? x[mergeKey] : undefined);
}

/** First index of each identity in `list`. */
function indexMap(list: JsonValue[], kind: Kind, mergeKey: string): Map<string, number> {
  const m = new Map<string, number>();
  list.forEach((x, i) => {
    const k = elementKey(x, kind, mergeKey);
    if (!m.has(k)) m.set(k, i);
  });
  return m;
}

/** Splits `list` into the elements present in `by` and the rest (both in list order). */
export function partition(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const present = new Set<string>();
  for (const b of by) {
    const bk = mergeKey === '' ? b : isJsonObject(b) && hasOwn(b, mergeKey) ? b[mergeKey] : undefined;
    if (bk !== undefined) present.add(identityString(bk));
  }
  const inBy: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of list) {
    const k = mergeKeyValue(v, mergeKey, true);
    (present.has(identityString(k)) ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

/**
 * Sorts by position in `order` with upstream's comparator: a stable sort when every
 * element is found there; otherwise (the comparator is then inconsistent) the insertion
 * sort Go's sort.SliceStable runs on short lists, where unknown elements move first.
 */
export function normalizeSliceOrder(toSort: JsonValue[], order: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  let list = [...toSort];
  let toDelete: JsonValue[] = [];
  if (kind === 'object') {
    for (const v of [...list, ...order]) mergeKeyValue(v, mergeKey, true);
    [list, toDelete] = extractToDeleteItems(list);
  }
  const positions = indexMap(order, kind, mergeKey);
  const items = list.map((v) => ({ v, at: positions.get(elementKey(v, kind, mergeKey)) ?? -1 }));
  if (items.every((x) => x.at >= 0)) {
    items.sort((a, b) => a.at - b.at);
  } else {
    const less = (a: { at: number }, b: { at: number }): boolean => (a.at >= 0 && b.at >= 0 ? a.at < b.at : true);
    for (let i = 1; i < items.length; i++) {
      for (let j = i; j > 0 && less(items[j]!, items[j - 1]!); j--) {
        const t = items[j]!;
        items[j] = items[j - 1]!;
        items[j - 1] = t;
      }
    }
  }
  return [...items.map((x) => x.v), ...toDelete];
}

/**
 * Orders patch elements by `patchOrder`, server-only elements by `serverOrder`, then
 * interleaves them using the server order where both are known (upstream's mergeSortedSlice).
 */
export function normalizeElementOrder(patch: JsonValue[], serverOnly: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const positions = indexMap(serverOrder, kind, mergeKey);
  const at = (v: JsonValue): number => positions.get(elementKey(v, kind, mergeKey)) ?? -1;
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = at(left[i] as JsonValue);
      const ri = at(right[j] as JsonValue);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}
