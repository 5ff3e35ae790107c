/**
 * Canonical JSON for scalar encodings, as Go's decode → encode round trip leaves them:
 * Kubernetes stores and returns `cpu: 500m` for `cpu: 0.5`, and times in UTC with their
 * type's precision. Clients compare these strings, so we store what upstream would.
 */
import type { KindSpec, ObjectSchema, TypeSpec } from './dsl.js';
import { isPlainObject, MAX_NESTING } from './errors.js';
import { fieldsOf } from './fields.js';
import { parseQuantity } from '../../machinery/quantity.js';
import { memoize } from '../../machinery/memo.js';

/**
 * Rewrites, in place: quantities to their canonical string ('0.5' and 0.5 → '500m',
 * '1.5Gi' → '1536Mi'), Time values to UTC with second precision, MicroTime values to UTC
 * with six fraction digits. Values that do not parse are left for validation to report.
 * Idempotent; never throws.
 */
export function normalizeObject(spec: KindSpec, obj: Record<string, unknown>): void {
  if (isPlainObject(obj)) normalizeFields(spec.schema, obj, 0);
}

function normalizeFields(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, depth: number): void {
  for (const [name, field] of fieldsOf(schema)) {
    if (!Object.hasOwn(obj, name)) continue;
    const v = obj[name];
    if (v === undefined || v === null) continue;
    const n = normalizeValue(field.type, v, depth);
    if (n !== v) obj[name] = n;
  }
}

/** Returns the normalized value (the same reference when unchanged or a container). */
function normalizeValue(type: TypeSpec, v: unknown, depth: number): unknown {
  if (depth >= MAX_NESTING) return v;
  switch (type.kind) {
    case 'object':
      if (isPlainObject(v)) normalizeFields(type.ref(), v, depth + 1);
      return v;
    case 'map':
      if (isPlainObject(v) && mayNormalize(type.values))
        for (const [k, x] of Object.entries(v)) {
          const n = normalizeValue(type.values, x, depth + 1);
          if (n !== x) v[k] = n;
        }
      return v;
    case 'list':
      if (Array.isArray(v) && mayNormalize(type.items))
        v.forEach((x, i) => {
          const n = normalizeValue(type.items, x, depth + 1);
          if (n !== x) v[i] = n;
        });
      return v;
    case 'raw':
      return v;
    case 'scalar':
      return normalizeScalar(type, v);
  }
}

/** A scalar's canonical encoding (`v` itself when its type has none, or it does not parse). */
export function normalizeScalar(type: Extract<TypeSpec, { kind: 'scalar' }>, v: unknown): unknown {
  switch (type.scalar) {
    case 'quantity':
      return canonicalQuantity(v);
    case 'time':
      return canonicalTime(v, false);
    case 'microTime':
      return canonicalTime(v, true);
    default:
      return v;
  }
}

/** Whether values of this type can change (skips walking lists of strings and the like). */
export function mayNormalize(type: TypeSpec): boolean {
  if (type.kind === 'scalar') return type.scalar === 'quantity' || type.scalar === 'time' || type.scalar === 'microTime';
  return type.kind !== 'raw';
}

/** The canonical text of a quantity; undefined when it does not parse. */
const canonicalQuantityText = memoize((text: string): string | undefined => {
  try {
    return parseQuantity(text).toString();
  } catch {
    return undefined;
  }
});

function canonicalQuantity(v: unknown): unknown {
  if (typeof v !== 'string' && (typeof v !== 'number' || !Number.isFinite(v))) return v;
  return canonicalQuantityText(typeof v === 'number' ? String(v) : v) ?? v;
}

const timeRe = /^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

const canonicalTimes = memoize((v: string) => canonicalTimeText(v, false));
const canonicalMicroTimes = memoize((v: string) => canonicalTimeText(v, true));

function canonicalTime(v: unknown, micro: boolean): unknown {
  if (typeof v !== 'string') return v;
  return (micro ? canonicalMicroTimes : canonicalTimes)(v) ?? v;
}

/** The canonical text of a time; undefined when it does not parse (left for validation). */
function canonicalTimeText(v: string, micro: boolean): string | undefined {
  const m = timeRe.exec(v);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  if (d.getUTCFullYear() < 0 || d.getUTCFullYear() > 9999) return undefined;
  const base = d.toISOString().slice(0, 19);
  return micro ? `${base}.${(m[2] ?? '').padEnd(9, '0').slice(0, 6)}Z` : `${base}Z`;
}
