/**
 * Plain JSON values and the few safe operations the patch and selector code needs.
 *
 * Keys such as `__proto__` are ordinary data in Kubernetes objects, so every read and
 * write here goes through own-property checks and `defineProperty`, never `obj[key] = v`,
 * which would change an object's prototype instead of storing the key (deepClone alone
 * assigns, to fresh objects, every key but that one).
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True if `obj` has `key` as an own property. */
export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The own property `key` of `obj`, or undefined. */
export function getOwn(obj: JsonObject, key: string): JsonValue | undefined {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Stores `value` under `key` as an own, enumerable property (safe for `__proto__`). */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Deletes the own property `key`. */
export function deleteOwn(obj: JsonObject, key: string): void {
  if (hasOwn(obj, key)) delete obj[key];
}

/**
 * A deep copy of a JSON value. On a fresh plain object only `__proto__` needs setOwn
 * (Object.prototype's one setter); plain stores elsewhere are several times cheaper.
 */
export function deepClone<T extends JsonValue>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepClone(x)) as T;
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      const x = deepClone(v[k] as JsonValue);
      if (k === '__proto__') setOwn(out, k, x);
      else out[k] = x;
    }
    return out as T;
  }
  return v;
}

/** Structural equality of JSON values; object key order does not matter. */
export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!hasOwn(b, k) || !deepEqual(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

/** Which JSON type a value has, as used in type-mismatch decisions and messages. */
export function jsonType(v: JsonValue | undefined): 'undefined' | 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'object' | 'string' | 'number' | 'boolean';
}

/** Renders a value compactly for error messages (never throws, bounded length). */
export function describeValue(v: unknown, max = 200): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
