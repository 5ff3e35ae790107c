import type { SchemaFieldError } from '../../schema/dsl.js';

/**
 * Small constructors mirroring k8s.io/apimachinery's field.* helpers, so validation
 * hooks read like Kubernetes' and produce the same types and messages.
 */
export const fe = {
  required: (field: string, message = ''): SchemaFieldError => ({ type: 'FieldValueRequired', field, message }),
  invalid: (field: string, badValue: unknown, message: string): SchemaFieldError => ({
    type: 'FieldValueInvalid',
    field,
    message,
    badValue,
  }),
  duplicate: (field: string, badValue: unknown): SchemaFieldError => ({
    type: 'FieldValueDuplicate',
    field,
    message: '',
    badValue,
  }),
  forbidden: (field: string, message: string): SchemaFieldError => ({ type: 'FieldValueForbidden', field, message }),
  notSupported: (field: string, badValue: unknown, supported: readonly string[]): SchemaFieldError => ({
    type: 'FieldValueNotSupported',
    field,
    message: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
    badValue,
  }),
  tooLong: (field: string, badValue: unknown, max: number): SchemaFieldError => ({
    type: 'FieldValueTooLong',
    field,
    message: `must have at most ${max} bytes`,
    badValue,
  }),
  /**
   * Kubernetes' field.NotFound ("Not found: \"x\""). The DSL's error type union does not
   * list it yet, so the value is cast; the renderer should print it as `Not found`.
   */
  notFound: (field: string, badValue: unknown): SchemaFieldError => ({
    type: 'FieldValueNotFound' as SchemaFieldError['type'],
    field,
    message: '',
    badValue,
  }),
};

/** Path helpers: `child('spec', 'containers')` → 'spec.containers'; index → 'x[0]'; key → 'x[k]'. */
export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;
