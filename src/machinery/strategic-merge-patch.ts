/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), following
 * k8s.io/apimachinery/pkg/util/strategicpatch's apply side (mergeMap with
 * MergeParallelList and IgnoreUnmatchedNulls, as the apiserver uses it).
 *
 * Directives: `$patch: replace|delete` (maps and list elements; `merge` is rejected as
 * upstream does), `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`,
 * null deletes a key. Lists merge by `patchMergeKey` when the metadata says
 * `patchStrategy: merge`; other lists are replaced; unknown maps merge recursively.
 *
 * One deliberate difference: Kubernetes decodes the result into Go structs, which silently
 * drops leftover directive keys and nulls inside values taken from the patch wholesale
 * (new keys, new list elements, replaced lists). skiff keeps JSON, so those values are
 * cleaned here to give the same stored object.
 */
import { type JsonObject, type JsonValue, deepClone, deleteOwn, hasOwn, isJsonObject, jsonType, setOwn } from './json-value.js';
import { PatchError, goFormat, guardDepth } from './patch-error.js';
import type { PatchMeta } from './patch-meta.js';
import {
  DIRECTIVE, SET_ORDER, type Kind, badArgType, goAliasedOriginal, identityString, noMergeKey, normalizeElementOrder, partition, validatePatchWithSetOrderList,
} from './strategic-merge-order.js';

const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';

const ERR_BAD_JSON_DOC = 'invalid JSON document';
const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';
const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_SET_ORDER = 'invalid patch format of setElementOrder list';

/**
 * Applies a strategic merge patch to `original` and returns the result; neither input is
 * modified. `meta` describes the object's root (undefined: no metadata at all).
 * Throws PatchError.
 */
export function applyStrategicMergePatch(original: JsonValue, patch: JsonValue, meta: PatchMeta | undefined): JsonObject {
  if (!isJsonObject(patch) || !isJsonObject(original)) throw new PatchError(ERR_BAD_JSON_DOC, 400);
  return guardDepth(() => mergeMap(deepClone(original), deepClone(patch), meta));
}

const badPatchType = (t: JsonValue | undefined, m: JsonValue): PatchError => new PatchError(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`, 400);

/** The list/map strategy without `retainKeys` (Kubernetes' extractRetainKeysPatchStrategy). */
function strategyOf(meta: PatchMeta | undefined): string {
  const s = meta?.patchStrategy ?? [];
  if (s.length === 0) return '';
  if (s.length === 1) return s[0] === 'retainKeys' ? '' : (s[0] as string);
  if (s.length === 2) {
    if (s[0] === 'retainKeys') return s[1] as string;
    if (s[1] === 'retainKeys') return s[0] as string;
  }
  throw new PatchError(`unexpected patch strategy: [${s.join(' ')}]`, 500);
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw new PatchError(prefix === DELETE_PRIMITIVE ? ERR_PRIMITIVE_LIST : ERR_SET_ORDER, 400);
  }
  return key.slice(slash + 1);
}

/**
 * A value taken from the patch as is: nulls dropped, maps carrying `$patch` dropped
 * (upstream's removeDirectives), other directive keys dropped. Returns undefined when the
 * value itself is to be dropped.
 */
function cleanNew(v: JsonValue): JsonValue | undefined {
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const x of v) {
      const c = cleanNew(x);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
  if (isJsonObject(v)) {
    if (hasOwn(v, DIRECTIVE)) return undefined;
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      if (k === RETAIN_KEYS || k.startsWith(`${SET_ORDER}/`) || k.startsWith(`${DELETE_PRIMITIVE}/`)) continue;
      const x = v[k] as JsonValue;
      if (x === null) continue;
      const c = cleanNew(x);
      if (c !== undefined) setOwn(out, k, c);
    }
    return out;
  }
  return v;
}

function setOrDrop(target: JsonObject, key: string, v: JsonValue): void {
  const c = cleanNew(v);
  if (c === undefined) deleteOwn(target, key);
  else setOwn(target, key, c);
}

function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta | undefined): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return (cleanNew(patch) as JsonObject | undefined) ?? {};
    }
    if (d === 'delete') return {};
    throw badPatchType(d, patch);
  }
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, meta);

  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey] as JsonValue;
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_PRIMITIVE)) {
      key = extractKey(rawKey, DELETE_PRIMITIVE);
      isDeleteList = true;
    }
    if (patchV === null) {
      deleteOwn(original, key);
      continue;
    }
    if (!hasOwn(original, key)) {
      if (!isDeleteList) setOrDrop(original, key, patchV);
      continue;
    }
    const origV = original[key] as JsonValue;
    const ot = jsonType(origV);
    if (ot !== jsonType(patchV)) {
      if (!isDeleteList) setOrDrop(original, key, patchV);
      continue;
    }
    const fieldMeta = meta?.field(key);
    if (ot === 'object') {
      if (strategyOf(fieldMeta) === 'replace') setOrDrop(original, key, patchV);
      else setOwn(original, key, mergeMap(origV as JsonObject, patchV as JsonObject, fieldMeta));
    } else if (ot === 'array') {
      setOwn(original, key, mergeSliceHandler(origV as JsonValue[], patchV as JsonValue[], fieldMeta, isDeleteList));
    } else {
      setOwn(original, key, patchV);
    }
  }
  return original;
}

function mergeSliceHandler(original: JsonValue[], patch: JsonValue[], meta: PatchMeta | undefined, isDeleteList: boolean): JsonValue[] {
  if (strategyOf(meta) === 'merge' || isDeleteList) {
    return mergeSlice(original, patch, meta?.items, meta?.patchMergeKey ?? '', isDeleteList);
  }
  return cleanNew(patch) as JsonValue[];
}

/** `$retainKeys`: drop every key of the original that is not listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw new PatchError(ERR_RETAIN_KEYS, 400);
  const keep = new Set(list.filter((x): x is string => typeof x === 'string'));
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw new PatchError(ERR_RETAIN_KEYS, 400);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<list>`: merge that list now and put its elements in the requested order. */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, meta: PatchMeta | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key] as JsonValue;
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const listKey = extractKey(key, SET_ORDER);
    const foundOriginal = hasOwn(original, listKey);
    const foundPatch = hasOwn(patch, listKey);
    const originalList = foundOriginal ? original[listKey] : undefined;
    const patchList = foundPatch ? patch[listKey] : undefined;
    if (foundOriginal && !Array.isArray(originalList)) throw badArgType('[]interface {}', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw badArgType('[]interface {}', patchList);
    const fieldMeta = meta?.field(listKey);
    strategyOf(fieldMeta); // validates the strategy list, as upstream does here
    const mergeKey = fieldMeta?.patchMergeKey ?? '';
    const origArr = (originalList ?? []) as JsonValue[];
    const patchArr = (patchList ?? []) as JsonValue[];
    validatePatchWithSetOrderList(patchArr, order, mergeKey);

    let merged: JsonValue[];
    if (foundOriginal && !foundPatch) merged = origArr;
    else if (!foundOriginal && foundPatch) merged = cleanNew(patchArr) as JsonValue[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(origArr, patchArr, fieldMeta, false);
    else continue;

    const kind = elementKind(origArr, patchArr, merged);
    if (kind === undefined) {
      setOwn(original, listKey, merged);
      delete patch[listKey];
      continue;
    }
    if (kind === 'object' && mergeKey === '') throw new PatchError(`cannot merge lists without merge key for ${listKey}`, 422);
    const [patchItems, serverOnly] = partition(merged, order, mergeKey);
    const serverOrder = foundOriginal && foundPatch && kind === 'object' && strategyOf(fieldMeta) === 'merge' ? goAliasedOriginal(origArr, patchArr, mergeKey) : origArr;
    setOwn(original, listKey, normalizeElementOrder(patchItems, serverOnly, order, serverOrder, mergeKey, kind));
    delete patch[listKey];
  }
}

/** Element kind of the given lists; undefined when they are all empty. Throws on mixed or nested lists. */
function elementKind(...lists: JsonValue[][]): Kind | undefined {
  let prev: string | undefined;
  for (const l of lists) {
    for (const v of l) {
      const t = jsonType(v);
      if (t === 'null') throw new PatchError('list elements may not be null', 422);
      if (prev === undefined) {
        if (t === 'array') throw new PatchError(ERR_NO_LIST_OF_LISTS, 422);
        prev = t;
      } else if (prev !== t) {
        throw new PatchError(`list element types are not identical: ${goFormat(lists)}`, 422);
      }
    }
  }
  if (prev === undefined) return undefined;
  return prev === 'object' ? 'object' : 'primitive';
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], itemsMeta: PatchMeta | undefined, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch) as Kind;
  let merged: JsonValue[];
  let orig = original;
  let pat = patch;
  if (kind === 'primitive') {
    if (isDeleteList) {
      const drop = new Set(patch.map(identityString));
      return original.filter((v) => !drop.has(identityString(v)));
    }
    merged = dedupe([...original, ...patch]);
  } else {
    if (mergeKey === '') throw new PatchError('cannot merge lists without merge key', 422);
    [orig, pat] = applySpecialElements(original, patch, mergeKey);
    merged = mergeWithoutSpecialElements(orig, pat, mergeKey, itemsMeta);
  }
  const [patchItems, serverOnly] = partition(merged, pat, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, pat, orig, mergeKey, kind);
}

function dedupe(list: JsonValue[]): JsonValue[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const k = identityString(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `$patch: delete` elements remove their match; `$patch: replace` replaces the whole list. */
function applySpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!hasOwn(m, DIRECTIVE)) { plain.push(v); continue; }
    const d = m[DIRECTIVE];
    if (d === 'delete') {
      if (!hasOwn(m, mergeKey)) throw noMergeKey(m, mergeKey);
      const target = identityString(m[mergeKey]);
      orig = orig.filter((e) => !(isJsonObject(e) && hasOwn(e, mergeKey) && identityString(e[mergeKey]) === target));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw new PatchError('merging lists cannot yet be specified in the patch', 400);
    } else {
      throw badPatchType(d, m);
    }
  }
  if (replace) return [plain.map((x) => cleanNew(x) as JsonValue), []];
  return [orig, plain];
}

function mergeWithoutSpecialElements(original: JsonValue[], patch: JsonValue[], mergeKey: string, itemsMeta: PatchMeta | undefined): JsonValue[] {
  const out = [...original];
  // First index of each merge-key value, kept current as elements are appended.
  const firstIndex = new Map<string, number>();
  out.forEach((e, i) => {
    if (!isJsonObject(e) || !hasOwn(e, mergeKey)) return;
    const k = identityString(e[mergeKey]);
    if (!firstIndex.has(k)) firstIndex.set(k, i);
  });
  for (const v of patch) {
    const m = v as JsonObject;
    if (!hasOwn(m, mergeKey)) throw noMergeKey(m, mergeKey);
    const k = identityString(m[mergeKey]);
    const idx = firstIndex.get(k);
    if (idx !== undefined) out[idx] = mergeMap(out[idx] as JsonObject, m, itemsMeta);
    else {
      const c = cleanNew(m);
      if (c !== undefined) {
        firstIndex.set(k, out.length);
        out.push(c);
      }
    }
  }
  return out;
}

