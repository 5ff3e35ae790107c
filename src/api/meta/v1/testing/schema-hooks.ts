/**
 * Test support for schema declarations: runs only the hooks a declaration carries
 * (field `validate`, object `validate`, field `default`, object `applyDefaults`), walking
 * nested objects, lists and maps the way the schema engine does. It is not the engine:
 * required/enum/format/immutable checks are the engine's job (src/api/schema/).
 */
import type { KindSpec, ObjectSchema, SchemaFieldError, TypeSpec } from '../../../schema/dsl.js';

const join = (p: string, k: string) => (p ? `${p}.${k}` : k);

function walkType(type: TypeSpec, value: unknown, old: unknown, path: string, out: SchemaFieldError[]): void {
  if (value === undefined || value === null) return;
  if (type.kind === 'object') {
    runSchemaHooks(type.ref(), value as Record<string, unknown>, path, old as Record<string, unknown> | undefined, out);
  } else if (type.kind === 'list' && Array.isArray(value)) {
    value.forEach((v, i) => walkType(type.items, v, undefined, `${path}[${i}]`, out));
  } else if (type.kind === 'map' && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as object)) walkType(type.values, v, undefined, `${path}[${k}]`, out);
  }
}

/** Runs every validation hook in `schema` over `obj` (depth first, field hooks before the object's). */
export function runSchemaHooks(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  schema: ObjectSchema<any>,
  obj: Record<string, unknown>,
  path = '',
  old?: Record<string, unknown>,
  out: SchemaFieldError[] = [],
): SchemaFieldError[] {
  for (const [name, field] of Object.entries(schema.fields)) {
    const v = obj[name];
    if (v === undefined) continue;
    const p = join(path, name);
    if (field.validate) out.push(...field.validate(v, p));
    walkType(field.type, v, old?.[name], p, out);
  }
  if (schema.validate) out.push(...schema.validate(obj as never, path, old as never));
  return out;
}

/** Schema hooks plus the kind's own `validate`, as on create (old undefined) or update. */
export function validateWithHooks<O>(spec: KindSpec<O>, obj: O, old?: O): SchemaFieldError[] {
  const errs = runSchemaHooks(spec.schema as ObjectSchema<unknown>, obj as Record<string, unknown>, '', old as Record<string, unknown> | undefined);
  if (spec.validate) errs.push(...spec.validate(obj, old));
  return errs;
}

function defaultType(type: TypeSpec, value: unknown): void {
  if (value === undefined || value === null) return;
  if (type.kind === 'object') applySchemaDefaults(type.ref(), value as Record<string, unknown>);
  else if (type.kind === 'list' && Array.isArray(value)) value.forEach((v) => defaultType(type.items, v));
  else if (type.kind === 'map' && typeof value === 'object') for (const v of Object.values(value as object)) defaultType(type.values, v);
}

/** Applies field defaults and `applyDefaults` hooks, depth first, in place; returns `obj`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function applySchemaDefaults<T extends object>(schema: ObjectSchema<any>, obj: T): T {
  const o = obj as Record<string, unknown>;
  for (const [name, field] of Object.entries(schema.fields)) {
    if (o[name] === undefined && field.default !== undefined) {
      o[name] = typeof field.default === 'function' ? (field.default as () => unknown)() : structuredClone(field.default);
    }
    defaultType(field.type, o[name]);
  }
  schema.applyDefaults?.(obj as never);
  return obj;
}

/** Renders errors the way kubectl prints causes, for readable assertions. */
export function render(errs: readonly SchemaFieldError[]): string[] {
  const kinds: Record<string, string> = {
    FieldValueRequired: 'Required value',
    FieldValueInvalid: 'Invalid value',
    FieldValueNotSupported: 'Unsupported value',
    FieldValueForbidden: 'Forbidden',
    FieldValueDuplicate: 'Duplicate value',
    FieldValueTooMany: 'Too many',
    FieldValueTooLong: 'Too long',
  };
  return errs.map((e) => {
    const parts = [`${e.field}: ${kinds[e.type] ?? e.type}`];
    if ('badValue' in e && e.type !== 'FieldValueRequired' && e.type !== 'FieldValueForbidden') parts.push(JSON.stringify(e.badValue));
    if (e.message) parts.push(e.message);
    return parts.join(': ');
  });
}
