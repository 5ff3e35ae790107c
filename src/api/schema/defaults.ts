/**
 * Schema-driven defaulting. Never throws on malformed input: values of the wrong shape
 * are skipped (validation reports them); a throwing hook is ignored for that object.
 */
import type { KindSpec, ObjectSchema, TypeSpec } from './dsl.js';
import { isPlainObject, MAX_NESTING } from './errors.js';
import { fieldsOf } from './fields.js';
import { mayNormalize, normalizeScalar } from './normalize.js';

/**
 * Fills defaults in place: for each object, first its fields' `default`s where the field
 * is absent (or null), then its nested values (maps, lists, objects), then its own
 * `applyDefaults` hook — so a hook sees its children already defaulted (depth first).
 * Before that it normalizes scalar encodings as Go's decoding would (normalizeObject:
 * canonical quantities, UTC times). Idempotent when the hooks are.
 */
export function applyDefaults(spec: KindSpec, obj: Record<string, unknown>): void {
  if (!isPlainObject(obj)) return;
  // One walk does both: normalizing a value and defaulting it touch only that value's
  // subtree, and hooks still run last on a subtree already normalized (as normalizeObject
  // then a defaults walk would leave it). Inserted defaults are not normalized, as before.
  defaultObject(spec.schema, obj, 0, true);
}

/** Defaults a value of any schema type (for callers defaulting fragments). */
export function applyDefaultsToValue(type: TypeSpec, value: unknown): void {
  defaultValue(type, value, 0, false);
}

function defaultObject(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, depth: number, normalize: boolean): void {
  for (const [name, field] of fieldsOf(schema)) {
    const v = Object.hasOwn(obj, name) ? obj[name] : undefined;
    if (v !== undefined && v !== null) {
      const n = defaultValue(field.type, v, depth, normalize);
      if (n !== v) obj[name] = n;
    } else if (field.default !== undefined) {
      const d = field.default;
      // Fresh copies so defaulted objects never share structure (callers mutate them).
      const fresh = typeof d === 'function' ? (d as () => unknown)() : d !== null && typeof d === 'object' ? structuredClone(d) : d;
      obj[name] = fresh;
      defaultValue(field.type, fresh, depth, false);
    }
  }
  if (schema.applyDefaults) {
    try {
      schema.applyDefaults(obj);
    } catch {
      // Malformed input the hook did not expect; validation will report it.
    }
  }
}

/**
 * Defaults (and with `normalize`, canonicalizes) a value; returns the value to keep (a
 * new one only for a scalar with a canonical encoding).
 */
function defaultValue(type: TypeSpec, value: unknown, depth: number, normalize: boolean): unknown {
  if (depth >= MAX_NESTING) return value; // validation reports it
  switch (type.kind) {
    case 'object':
      if (isPlainObject(value)) defaultObject(type.ref(), value, depth + 1, normalize);
      return value;
    case 'map':
      if (isPlainObject(value) && (normalize ? mayNormalize(type.values) : needsDefaulting(type.values)))
        for (const k of Object.keys(value)) {
          const x = value[k];
          const n = defaultValue(type.values, x, depth + 1, normalize);
          if (n !== x) value[k] = n;
        }
      return value;
    case 'list':
      if (Array.isArray(value) && (normalize ? mayNormalize(type.items) : needsDefaulting(type.items)))
        for (let i = 0; i < value.length; i++) {
          const x: unknown = value[i];
          const n = defaultValue(type.items, x, depth + 1, normalize);
          if (n !== x) value[i] = n;
        }
      return value;
    case 'scalar':
      return normalize ? normalizeScalar(type, value) : value;
    default:
      return value;
  }
}

/** Scalars and raw values never get defaults inside maps/lists; skip walking them. */
const needsDefaulting = (type: TypeSpec): boolean => type.kind === 'object' || type.kind === 'map' || type.kind === 'list';
