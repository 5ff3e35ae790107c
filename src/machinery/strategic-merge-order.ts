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
  const keyOf = (e: JsonValue | undefined): JsonValue | undefined => (isJsonObject(e) && hasOwn(e, mergeKey) ? e[mergeKey] : undefined);
  const indexOfKey = (k: JsonValue): number => backing.slice(0, len).findIndex((e) => {
    const ek = keyOf(e);
    return ek !== undefined && deepEqual(ek, k);
  });
  let replaced = false;
  const plain: JsonValue[] = [];
  for (const v of patch) {
    if (!isJsonObject(v) || !hasOwn(v, DIRECTIVE)) { plain.push(v); continue; }
    if (v[DIRECTIVE] === 'replace') { replaced = true; continue; }
    const k = keyOf(v);
    if (v[DIRECTIVE] !== 'delete' || k === undefined) continue;
    for (let i = indexOfKey(k); i >= 0; i = indexOfKey(k)) {
      backing.copyWithin(i, i + 1, len);
      len--;
    }
  }
  if (replaced) return backing;
  for (const v of plain) {
    const k = keyOf(v);
    if (k !== undefined && indexOfKey(k) >= 0) continue;
    if (len >= cap) break; // the slice was reallocated: later appends are invisible
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

/** Splits `list` into the elements present in `by` and the rest (both in list order). */
export function partition(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inBy: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of list) {
    const k = mergeKeyValue(v, mergeKey, true);
    const found = by.some((b) => {
      const bk = mergeKey === '' ? b : isJsonObject(b) && hasOwn(b, mergeKey) ? b[mergeKey] : undefined;
      return bk !== undefined && deepEqual(bk, k);
    });
    (found ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

export function indexIn(list: JsonValue[], v: JsonValue, kind: Kind, mergeKey: string): number {
  const key = (x: JsonValue): JsonValue | undefined => (kind === 'object' ? (isJsonObject(x) && hasOwn(x, mergeKey) ? x[mergeKey] : undefined) : x);
  const want = key(v);
  return list.findIndex((x) => {
    const k = key(x);
    return k === undefined ? want === undefined : want !== undefined && deepEqual(k, want);
  });
}

/** Stable insertion sort with upstream's comparator (elements missing from `order` sort first). */
export function normalizeSliceOrder(toSort: JsonValue[], order: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  let list = [...toSort];
  let toDelete: JsonValue[] = [];
  if (kind === 'object') {
    for (const v of [...list, ...order]) mergeKeyValue(v, mergeKey, true);
    [list, toDelete] = extractToDeleteItems(list);
  }
  const less = (a: JsonValue, b: JsonValue): boolean => {
    const ia = indexIn(order, a, kind, mergeKey);
    if (ia >= 0) {
      const ib = indexIn(order, b, kind, mergeKey);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  for (let i = 1; i < list.length; i++) {
    for (let j = i; j > 0 && less(list[j] as JsonValue, list[j - 1] as JsonValue); j--) {
      const t = list[j] as JsonValue;
      list[j] = list[j - 1] as JsonValue;
      list[j - 1] = t;
    }
  }
  return [...list, ...toDelete];
}

/**
 * Orders patch elements by `patchOrder`, server-only elements by `serverOrder`, then
 * interleaves them using the server order where both are known (upstream's mergeSortedSlice).
 */
export function normalizeElementOrder(patch: JsonValue[], serverOnly: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = indexIn(serverOrder, left[i] as JsonValue, kind, mergeKey);
      const ri = indexIn(serverOrder, right[j] as JsonValue, kind, mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}
