/**
 * Unknown-field pruning, as the API server does for fieldValidation=Ignore|Warn|Strict.
 */
import type { KindSpec, ObjectSchema, TypeSpec } from './dsl.js';
import { isPlainObject, MAX_NESTING } from './errors.js';

/**
 * Removes, in place, every field the schema does not declare (recursively through
 * objects, maps and lists; `raw` values are left alone) and returns the removed fields'
 * paths in the form Kubernetes' strict decoder reports them: dot-separated names, list
 * indexes in brackets, map keys as names — e.g. `spec.foo`, `spec.containers[0].bogus`,
 * `spec.volumes.<key>.bogus` inside a map of objects. Render one as `unknown field "<path>"` (see unknownFieldMessage). Values of the wrong
 * type are left for validation. Never throws.
 */
export function pruneUnknownFields(spec: KindSpec, obj: Record<string, unknown>): string[] {
  const unknown: string[] = [];
  if (isPlainObject(obj)) pruneObject(spec.schema, obj, '', unknown, 0);
  return unknown;
}

/** The message Kubernetes uses for one unknown field (Warning header / Strict error). */
export const unknownFieldMessage = (path: string): string => `unknown field ${JSON.stringify(path)}`;

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

function pruneObject(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, path: string, out: string[], depth: number): void {
  for (const name of Object.keys(obj)) {
    const field = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
    if (!field) {
      out.push(join(path, name));
      delete obj[name];
      continue;
    }
    if (obj[name] === null && field.type.kind !== 'raw') {
      delete obj[name]; // Go decodes null as "unset"; omitempty then leaves it out
      continue;
    }
    pruneValue(field.type, obj[name], join(path, name), out, depth);
  }
}

function pruneValue(type: TypeSpec, value: unknown, path: string, out: string[], depth: number): void {
  if (depth >= MAX_NESTING) return; // validation rejects what is nested this deep
  switch (type.kind) {
    case 'object':
      if (isPlainObject(value)) pruneObject(type.ref(), value, path, out, depth + 1);
      return;
    case 'map':
      if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) pruneValue(type.values, v, join(path, k), out, depth + 1);
      return;
    case 'list':
      if (Array.isArray(value)) value.forEach((v, i) => pruneValue(type.items, v, `${path}[${i}]`, out, depth + 1));
      return;
    default:
      return;
  }
}
