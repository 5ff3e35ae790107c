import type { SchemaFieldError } from '../../schema/dsl.js';
import { fieldError } from '../../meta/v1/index.js';

const percentRe = /^[0-9]+%$/;
const percentMessage =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent: a non-negative integer or an 'N%' string. */
export function validatePositiveIntOrPercent(v: number | string | undefined, path: string): SchemaFieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return percentRe.test(v) ? [] : [fieldError.invalid(path, v, percentMessage)];
  return v < 0 ? [fieldError.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

/** IsNotMoreThan100Percent: percentages above 100% are refused. */
export function notMoreThan100Percent(v: number | string | undefined, path: string): SchemaFieldError[] {
  if (typeof v !== 'string' || !percentRe.test(v)) return [];
  return Number.parseInt(v, 10) > 100 ? [fieldError.invalid(path, v, 'must not be greater than 100%')] : [];
}

/** getIntOrPercentValue: the number, or the percentage as a number; undefined when absent. */
export function intOrPercentValue(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : Number.parseInt(v, 10);
}
