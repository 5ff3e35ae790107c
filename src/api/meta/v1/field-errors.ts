import type { SchemaFieldError } from '../../schema/dsl.js';

/**
 * Constructors mirroring k8s.io/apimachinery's field.ErrorList helpers, for the
 * validation hooks of the non-core groups. `message` is the detail that follows the
 * bad value (`<field>: Invalid value: <badValue>: <message>`); Required and Duplicate
 * usually carry none, as upstream.
 */
export const fieldError = {
  required: (field: string, message = ''): SchemaFieldError => ({ type: 'FieldValueRequired', field, message }),
  invalid: (field: string, badValue: unknown, message: string): SchemaFieldError => ({
    type: 'FieldValueInvalid',
    field,
    message,
    badValue,
  }),
  forbidden: (field: string, message: string): SchemaFieldError => ({ type: 'FieldValueForbidden', field, message }),
  duplicate: (field: string, badValue: unknown): SchemaFieldError => ({ type: 'FieldValueDuplicate', field, message: '', badValue }),
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
  /** Kubernetes' field.NotFound (`Not found: "x"`). */
  notFound: (field: string, badValue: unknown): SchemaFieldError => ({ type: 'FieldValueNotFound', field, message: '', badValue }),
  tooMany: (field: string, actual: number, max: number): SchemaFieldError => ({
    type: 'FieldValueTooMany',
    field,
    message: `must have at most ${max} items`,
    badValue: actual,
  }),
};

/** Joins a field path: `fieldPath('spec', 'replicas')` → 'spec.replicas'; an empty parent yields the child. */
export function fieldPath(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

/** Upstream's ValidateNonnegativeField message, with the right path and value. */
export function nonNegative(value: number | undefined, path: string): SchemaFieldError[] {
  return value !== undefined && value < 0 ? [fieldError.invalid(path, value, 'must be greater than or equal to 0')] : [];
}

/** Upstream's "must be greater than zero" check for optional positive integers. */
export function positive(value: number | undefined, path: string): SchemaFieldError[] {
  return value !== undefined && value <= 0 ? [fieldError.invalid(path, value, 'must be greater than zero')] : [];
}
