/**
 * Field selectors, as k8s.io/apimachinery/pkg/fields: `a=b,c!=d,e==f`, with `\`, `,` and `=`
 * escaped by a backslash inside values. Terms are sorted, like Kubernetes' ParseSelector.
 * Which field names a resource supports is the caller's business (see `fields`).
 */
import { SelectorError } from './label-selector.js';

/** `==` parses as `=`: Kubernetes keeps no difference between them. */
export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  /** The unescaped value. */
  readonly value: string;
}

/** Escapes `\`, `,` and `=` in a value for use in a selector string. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Undoes escapeFieldValue; throws SelectorError with Kubernetes' messages. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its code point number.
      throw new SelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas not escaped by a backslash (the backslashes are kept). */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') { terms.push(s.slice(start, i)); start = i + 1; }
  }
  terms.push(s.slice(start));
  return terms;
}

const OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op === '!=' ? '!=' : '=', term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** An immutable field selector. The empty selector matches everything. */
export class FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  private constructor(reqs: readonly FieldRequirement[]) { this.requirements = reqs; }

  static everything(): FieldSelector { return new FieldSelector([]); }

  /** Parses the string form; throws SelectorError (`invalid selector: '…'; can't understand '…'`). */
  static parse(text: string): FieldSelector {
    const parts = splitTerms(text).sort();
    const reqs: FieldRequirement[] = [];
    for (const part of parts) {
      if (part === '') continue;
      const t = splitTerm(part);
      if (!t) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`, text.indexOf(part));
      const [field, operator, raw] = t;
      reqs.push({ field, operator, value: unescapeFieldValue(raw) });
    }
    return new FieldSelector(reqs);
  }

  /** A selector requiring `field=value` for each entry. */
  static fromSet(fields: Readonly<Record<string, string>>): FieldSelector {
    const reqs = Object.keys(fields).sort().map((f) => ({ field: f, operator: '=' as const, value: fields[f] as string }));
    return new FieldSelector(reqs);
  }

  isEmpty(): boolean { return this.requirements.length === 0; }

  /** The field names this selector uses, for the caller to check against what it supports. */
  fields(): string[] { return [...new Set(this.requirements.map((r) => r.field))]; }

  /**
   * Throws SelectorError `field label not supported: <f>` (the apiserver's wording, sent as
   * 400 BadRequest) for the first field not in `supported`.
   */
  assertSupported(supported: Iterable<string>): void {
    const ok = new Set(supported);
    for (const r of this.requirements) {
      if (!ok.has(r.field)) throw new SelectorError(`field label not supported: ${r.field}`);
    }
  }

  /** The value required for `field` with = or ==, if any (used to narrow lists by name/namespace). */
  requiresExactMatch(field: string): string | undefined {
    const r = this.requirements.find((x) => x.field === field && x.operator !== '!=');
    return r?.value;
  }

  /** True if every requirement holds; a field absent from `values` counts as ''. */
  matches(values: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const v = Object.prototype.hasOwnProperty.call(values, r.field) ? values[r.field] : '';
      return r.operator === '!=' ? v !== r.value : v === r.value;
    });
  }

  /** The string form: `field=value` / `field!=value` terms, values escaped, in sorted order. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/** Parses a field selector string (same as FieldSelector.parse). */
export function parseFieldSelector(text: string): FieldSelector {
  return FieldSelector.parse(text);
}
