/**
 * JSON Merge Patch (RFC 7386), as `application/merge-patch+json`. Pure: the target is
 * not modified. Any JSON patch has a defined result; the only failure is a PatchError (400)
 * for documents nested too deeply to walk.
 */
import { guardDepth } from './patch-error.js';
import { type JsonObject, type JsonValue, deepClone, deleteOwn, getOwn, isJsonObject, setOwn } from './json-value.js';

/**
 * Applies `patch` to `target` (undefined = absent) and returns the result: an object patch
 * merges key by key (null deletes), anything else replaces the target wholesale.
 */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  return guardDepth(() => {
    if (!isJsonObject(patch)) return deepClone(patch);
    const out: JsonObject = isJsonObject(target) ? deepClone(target) : {};
    mergeInto(out, patch);
    return out;
  });
}

function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const pv = patch[k] as JsonValue;
    if (pv === null) {
      deleteOwn(target, k);
      continue;
    }
    if (isJsonObject(pv)) {
      const cur = getOwn(target, k);
      const base: JsonObject = isJsonObject(cur) ? cur : {};
      mergeInto(base, pv);
      setOwn(target, k, base);
    } else {
      setOwn(target, k, deepClone(pv));
    }
  }
}
