/**
 * Schema-driven defaulting. Never throws on malformed input: values of the wrong shape
 * are skipped (validation reports them); a throwing hook is ignored for that object.
 */
import type { KindSpec, ObjectSchema, TypeSpec } from './dsl.js';
import { isPlainObject, MAX_NESTING } from './errors.js';
import { fieldsOf } from './fields.js';
import { normalizeObject } from './normalize.js';

/**
 * Fills defaults in place: for each object, first its fields' `default`s where the field
 * is absent (or null), then its nested values (maps, lists, objects), then its own
 * `applyDefaults` hook — so a hook sees its children already defaulted (depth first).
 * Before that it normalizes scalar encodings as Go's decoding would (normalizeObject:
 * canonical quantities, UTC times). Idempotent when the hooks are.
 */
export function applyDefaults(spec: KindSpec, obj: Record<string, unknown>): void {
  if (!isPlainObject(obj)) return;
  normalizeObject(spec, obj);
  defaultObject(spec.schema, obj, 0);
}

/** Defaults a value of any schema type (for callers defaulting fragments). */
export function applyDefaultsToValue(type: TypeSpec, value: unknown): void {
  defaultValue(type, value, 0);
}

function defaultObject(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, depth: number): void {
  for (const [name, field] of fieldsOf(schema)) {
    const present = Object.hasOwn(obj, name) && obj[name] !== undefined && obj[name] !== null;
    if (!present && field.default !== undefined) {
      const d = field.default;
      // Fresh copies so defaulted objects never share structure (callers mutate them).
      obj[name] = typeof d === 'function' ? (d as () => unknown)() : structuredClone(d);
    }
    if (Object.hasOwn(obj, name)) defaultValue(field.type, obj[name], depth);
  }
  if (schema.applyDefaults) {
    try {
      schema.applyDefaults(obj);
    } catch {
      // Malformed input the hook did not expect; validation will report it.
    }
  }
}

function defaultValue(type: TypeSpec, value: unknown, depth: number): void {
  if (depth >= MAX_NESTING) return; // validation reports it
  switch (type.kind) {
    case 'object':
      if (isPlainObject(value)) defaultObject(type.ref(), value, depth + 1);
      return;
    case 'map':
      if (isPlainObject(value) && needsDefaulting(type.values)) for (const v of Object.values(value)) defaultValue(type.values, v, depth + 1);
      return;
    case 'list':
      if (Array.isArray(value) && needsDefaulting(type.items)) for (const v of value) defaultValue(type.items, v, depth + 1);
      return;
    default:
      return;
  }
}

/** Scalars and raw values never get defaults inside maps/lists; skip walking them. */
const needsDefaulting = (type: TypeSpec): boolean => type.kind === 'object' || type.kind === 'map' || type.kind === 'list';
