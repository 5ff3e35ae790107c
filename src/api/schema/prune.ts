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
  if (isPlainObject(obj)) pruneObject(spec.schema, obj, undefined, unknown, 0);
  return unknown;
}

/** The message Kubernetes uses for one unknown field (Warning header / Strict error). */
export const unknownFieldMessage = (path: string): string => `unknown field ${JSON.stringify(path)}`;

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

/**
 * Where a value sits, as a chain to the root; rendered only when something there is
 * unknown (most objects have nothing to report, and building every path cost more).
 */
interface Path {
  readonly parent: Path | undefined;
  /** A field or map key (`a.b`), or a list index (`a[0]`). */
  readonly step: string | number;
}

function render(path: Path | undefined): string {
  if (!path) return '';
  const parent = render(path.parent);
  return typeof path.step === 'number' ? `${parent}[${path.step}]` : join(parent, path.step);
}

function pruneObject(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, path: Path | undefined, out: string[], depth: number): void {
  for (const name of Object.keys(obj)) {
    const field = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
    if (!field) {
      if (schema.preserveUnknownFields) continue;
      out.push(join(render(path), name));
      delete obj[name];
      continue;
    }
    if (obj[name] === null && field.type.kind !== 'raw') {
      delete obj[name]; // Go decodes null as "unset"; omitempty then leaves it out
      continue;
    }
    pruneValue(field.type, obj[name], path, name, out, depth);
  }
}

/** Prunes `value`, found at `step` under `parent` (its path is built only if needed). */
function pruneValue(type: TypeSpec, value: unknown, parent: Path | undefined, step: string | number, out: string[], depth: number): void {
  if (depth >= MAX_NESTING) return; // validation rejects what is nested this deep
  switch (type.kind) {
    case 'object':
      if (isPlainObject(value)) pruneObject(type.ref(), value, { parent, step }, out, depth + 1);
      return;
    case 'map':
      if (isPlainObject(value) && walksInto(type.values)) {
        const path: Path = { parent, step };
        for (const [k, v] of Object.entries(value)) pruneValue(type.values, v, path, k, out, depth + 1);
      }
      return;
    case 'list':
      if (Array.isArray(value) && walksInto(type.items)) {
        const path: Path = { parent, step };
        value.forEach((v, i) => pruneValue(type.items, v, path, i, out, depth + 1));
      }
      return;
    default:
      return;
  }
}

/** Only objects hold fields to prune: maps and lists of scalars (or raw values) need no walk. */
const walksInto = (type: TypeSpec): boolean => type.kind === 'object' || type.kind === 'map' || type.kind === 'list';
