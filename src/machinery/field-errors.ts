/**
 * Field-level validation errors, rendered exactly as k8s.io/apimachinery's
 * `field.Error` does (`spec.replicas: Invalid value: -1: must be greater than or equal to 0`).
 * The `type` strings are the ones that travel in `Status.details.causes[].reason`.
 */

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

/**
 * One validation failure. `message` is the detail text (may be empty); `badValue` is the
 * offending value, or undefined when it is not shown (Kubernetes' "omitted value").
 */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly message: string;
  readonly badValue?: unknown;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

/** The human text of an error type, e.g. `Required value`. */
export function fieldErrorTypeText(type: FieldErrorType): string {
  return TYPE_TEXT[type];
}

/** Quotes a string like Go's strconv.Quote (the `%q` verb). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\x07': out += '\\a'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\v': out += '\\v'; break;
      default:
        if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
        else out += ch;
    }
  }
  return out + '"';
}

/** Renders a bad value the way field.Error does for the common Go types. */
function renderValue(v: unknown): string {
  if (v === null) return goQuote('null'); // Go prints a nil value as the string "null"
  switch (typeof v) {
    case 'string': return goQuote(v);
    case 'number': case 'boolean': case 'bigint': return String(v);
    default: break;
  }
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return `[]string{${(v as string[]).map(goQuote).join(', ')}}`;
  }
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The part after `field: ` — Kubernetes' `ErrorBody()`; also the Status cause message. */
export function fieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  const omitted =
    e.badValue === undefined ||
    e.type === 'FieldValueRequired' ||
    e.type === 'FieldValueForbidden' ||
    e.type === 'FieldValueTooLong' ||
    e.type === 'InternalError';
  if (!omitted) s += `: ${renderValue(e.badValue)}`;
  if (e.message.length > 0) s += `: ${e.message}`;
  return s;
}

/** The full text, `field: body` — Kubernetes' `Error()`. */
export function renderFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * Joins several errors like utilerrors.NewAggregate: one error is printed alone, several are
 * de-duplicated and wrapped as `[a, b]`. Returns '' for none.
 */
export function aggregateMessages(messages: readonly string[]): string {
  if (messages.length === 0) return '';
  if (messages.length === 1) return messages[0] ?? '';
  const seen = [...new Set(messages)];
  return seen.length === 1 ? (seen[0] ?? '') : `[${seen.join(', ')}]`;
}

/** Aggregated text of a list of field errors. */
export function aggregateFieldErrors(errs: readonly FieldError[]): string {
  return aggregateMessages(errs.map(renderFieldError));
}

/** Builds field paths as Kubernetes prints them: `spec.containers[0].env[FOO]`. */
export class FieldPath {
  private constructor(private readonly text: string) {}
  /** A root path (`''` gives the empty path, whose children have no leading dot). */
  static root(name = ''): FieldPath { return new FieldPath(name); }
  child(name: string, ...more: string[]): FieldPath {
    let t = this.text;
    for (const n of [name, ...more]) t = t === '' ? n : `${t}.${n}`;
    return new FieldPath(t);
  }
  index(i: number): FieldPath { return new FieldPath(`${this.text}[${i}]`); }
  key(k: string): FieldPath { return new FieldPath(`${this.text}[${k}]`); }
  toString(): string { return this.text; }
}

type PathLike = string | FieldPath;
const p = (x: PathLike): string => String(x);

export function required(path: PathLike, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field: p(path), message: detail };
}
export function invalid(path: PathLike, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field: p(path), message: detail, badValue: value };
}
export function typeInvalid(path: PathLike, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field: p(path), message: detail, badValue: value };
}
export function notFound(path: PathLike, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', field: p(path), message: '', badValue: value };
}
export function duplicate(path: PathLike, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field: p(path), message: '', badValue: value };
}
export function forbidden(path: PathLike, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field: p(path), message: detail };
}
/** `Unsupported value: "y": supported values: "a", "b"`. */
export function notSupported(path: PathLike, value: unknown, allowed: readonly string[]): FieldError {
  const detail = allowed.length > 0 ? `supported values: ${allowed.map((a) => goQuote(a)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field: p(path), message: detail, badValue: value };
}
/** `Too long: may not be more than 63 bytes` (the value itself is never printed). */
export function tooLong(path: PathLike, value: unknown, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { type: 'FieldValueTooLong', field: p(path), message: detail, badValue: value };
}
/** `Too many: 5: must have at most 3 items`; a negative `actual` omits the count. */
export function tooMany(path: PathLike, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return { type: 'FieldValueTooMany', field: p(path), message: detail, ...(actual >= 0 ? { badValue: actual } : {}) };
}
export function internalError(path: PathLike, err: unknown): FieldError {
  const detail = err instanceof Error ? err.message : String(err);
  return { type: 'InternalError', field: p(path), message: detail };
}
