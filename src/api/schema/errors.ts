/**
 * Field-error constructors and field-path rendering, shaped like
 * k8s.io/apimachinery/pkg/util/validation/field: `message` holds the Kubernetes
 * "detail" (the text after the error type), so `spec.containers[1].name: Duplicate
 * value: "a"` is {type: 'FieldValueDuplicate', field: 'spec.containers[1].name',
 * message: '', badValue: 'a'}.
 */
import type { SchemaFieldError } from './dsl.js';

/** `a` + `.b`; the root path is ''. */
export const childPath = (path: string, name: string): string => (path ? `${path}.${name}` : name);
/** `a[3]` */
export const indexPath = (path: string, i: number): string => `${path}[${i}]`;
/** `metadata.labels[app.kubernetes.io/name]` */
export const keyPath = (path: string, key: string): string => `${path}[${key}]`;

export const required = (field: string, message = ''): SchemaFieldError => ({ type: 'FieldValueRequired', field, message });
export const invalid = (field: string, badValue: unknown, message: string): SchemaFieldError => ({
  type: 'FieldValueInvalid',
  field,
  message,
  badValue,
});
export const typeInvalid = (field: string, badValue: unknown, message: string): SchemaFieldError => ({
  type: 'FieldValueTypeInvalid',
  field,
  message,
  badValue,
});
export const notSupported = (field: string, badValue: unknown, allowed: readonly string[]): SchemaFieldError => ({
  type: 'FieldValueNotSupported',
  field,
  message: `supported values: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
  badValue,
});
export const duplicate = (field: string, badValue: unknown): SchemaFieldError => ({ type: 'FieldValueDuplicate', field, message: '', badValue });
export const forbidden = (field: string, message: string): SchemaFieldError => ({ type: 'FieldValueForbidden', field, message });
export const tooLong = (field: string, max: number, unit = 'bytes'): SchemaFieldError => ({
  type: 'FieldValueTooLong',
  field,
  message: `may not be more than ${max} ${unit}`,
});
export const internal = (field: string, message: string): SchemaFieldError => ({ type: 'InternalError', field, message });

/**
 * How deep the schema walkers (validate, defaults, prune) follow objects, maps and lists.
 * Recursive schemas (a CRD's JSONSchemaProps) would otherwise let a hostile body exhaust
 * the stack; Go's JSON decoder has a similar limit (10000). Real objects stay far below.
 */
export const MAX_NESTING = 256;

/** JSON deep equality; null and absent are the same (as Go decoding makes them). Absurdly deep values compare unequal. */
export function jsonEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (depth > 5000) return false;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i], depth + 1));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!jsonEqual(ao[k], bo[k], depth + 1)) return false;
  return true;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
