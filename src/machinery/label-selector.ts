/**
 * Label selectors, as k8s.io/apimachinery/pkg/labels: the string form
 * (`a=b,c!=d,e in (x,y),f notin (z),!g,h`, plus `gt`/`lt` as `a>1`, `a<5`) and the
 * `metav1.LabelSelector` object form, both turned into the same sorted requirements.
 *
 * Empty and nil: an empty string or an empty `{}` selector object matches everything; a
 * missing (null/undefined) selector object matches nothing — as `LabelSelectorAsSelector`
 * does. Errors carry Kubernetes' messages (`unable to parse requirement: …`,
 * `found ')', expected: …`) plus the offending token's `position` in the input.
 */
import { aggregateMessages, invalid, notSupported, renderFieldError, type FieldError } from './field-errors.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

/** Operators as Kubernetes' selection.Operator strings. */
export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted and de-duplicated for set operators; one value for =, ==, !=, gt, lt; none for exists/!. */
  readonly values: readonly string[];
}

/** A selector that cannot be parsed or built. `position` is a 0-based offset when known. */
export class SelectorError extends Error {
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super(message);
    this.name = 'SelectorError';
    this.position = position;
  }
}

const VALID_OPERATORS: readonly SelectorOperator[] = ['in', 'notin', '=', '==', '!=', 'exists', '!', 'gt', 'lt'];
const GO_INT64 = /^[+-]?[0-9]+$/;
const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;

function parseInt64(s: string): bigint | undefined {
  if (!GO_INT64.test(s)) return undefined;
  const v = BigInt(s);
  return v < MIN_I64 || v > MAX_I64 ? undefined : v;
}

function keyError(key: string, path: string): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length > 0 ? invalid(path, key, errs.join('; ')) : undefined;
}

/**
 * Builds one requirement with Kubernetes' checks (NewRequirement); throws SelectorError.
 * `path` prefixes field paths in messages (Kubernetes' field.WithPath), '' for none.
 */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[], path = ''): Requirement {
  const child = (n: string): string => (path === '' ? n : `${path}.${n}`);
  const errs: FieldError[] = [];
  const ke = keyError(key, child('key'));
  if (ke) errs.push(ke);
  const valuePath = child('values');
  switch (operator) {
    case 'in': case 'notin':
      if (values.length === 0) errs.push(invalid(valuePath, [...values], "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=': case '==': case '!=':
      if (values.length !== 1) errs.push(invalid(valuePath, [...values], 'exact-match compatibility requires one single value'));
      break;
    case 'exists': case '!':
      if (values.length !== 0) errs.push(invalid(valuePath, [...values], 'values set must be empty for exists and does not exist'));
      break;
    case 'gt': case 'lt':
      if (values.length !== 1) errs.push(invalid(valuePath, [...values], "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(notSupported(child('operator'), operator, VALID_OPERATORS));
  }
  values.forEach((v, i) => {
    const m = isValidLabelValue(v);
    if (m.length > 0) errs.push(invalid(`${valuePath}[${i}][${key}]`, v, m.join('; ')));
  });
  if (errs.length > 0) throw new SelectorError(aggregateMessages(errs.map(renderFieldError)));
  const sorted = operator === 'in' || operator === 'notin' ? [...new Set(values)].sort() : [...values];
  return { key, operator, values: sorted };
}

/** True if `labels` satisfy the requirement (Kubernetes' Requirement.Matches). */
export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in': case '=': case '==':
      return has && r.values.includes(value as string);
    case 'notin': case '!=':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(value as string);
      const rv = parseInt64(r.values[0] as string);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

/** The string form of one requirement, as Kubernetes prints it. */
export function requirementToString(r: Requirement): string {
  const vals = r.values.length === 1 ? (r.values[0] as string) : [...r.values].sort().join(',');
  switch (r.operator) {
    case '!': return `!${r.key}`;
    case 'exists': return r.key;
    case 'in': return `${r.key} in (${vals})`;
    case 'notin': return `${r.key} notin (${vals})`;
    case 'gt': return `${r.key}>${vals}`;
    case 'lt': return `${r.key}<${vals}`;
    default: return `${r.key}${r.operator}${vals}`;
  }
}

/** The `metav1.LabelSelector` object form. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] | null }> | null;
}

/** An immutable, validated label selector. */
export class LabelSelector {
  /** Requirements sorted by key (stable). */
  readonly requirements: readonly Requirement[];
  readonly #nothing: boolean;

  private constructor(requirements: readonly Requirement[], nothing: boolean) {
    this.requirements = requirements;
    this.#nothing = nothing;
  }

  /** Matches every label set. */
  static everything(): LabelSelector { return new LabelSelector([], false); }
  /** Matches no label set (what a nil selector object means). */
  static nothing(): LabelSelector { return new LabelSelector([], true); }
  /** A selector from requirements (sorted here by key). */
  static fromRequirements(reqs: readonly Requirement[]): LabelSelector {
    return new LabelSelector(sortByKey(reqs), false);
  }

  /** Parses the string form; '' (or only whitespace) is everything. Throws SelectorError. */
  static parse(text: string): LabelSelector {
    return new LabelSelector(sortByKey(new Parser(text).parse()), false);
  }

  /**
   * From a LabelSelector object, as LabelSelectorAsSelector: null/undefined → nothing, no
   * labels and no expressions → everything. Throws SelectorError on invalid content.
   */
  static fromObject(obj: LabelSelectorObject | null | undefined): LabelSelector {
    if (obj === null || obj === undefined) return LabelSelector.nothing();
    const labels = obj.matchLabels ?? {};
    const exprs = obj.matchExpressions ?? [];
    const reqs: Requirement[] = [];
    for (const k of Object.keys(labels).sort()) reqs.push(newRequirement(k, '=', [String(labels[k])]));
    for (const e of exprs) {
      const op = OBJECT_OPERATORS[String(e?.operator)];
      if (op === undefined) throw new SelectorError(`"${String(e?.operator)}" is not a valid label selector operator`);
      reqs.push(newRequirement(String(e.key), op, [...(e.values ?? [])].map(String)));
    }
    return LabelSelector.fromRequirements(reqs);
  }

  /** A selector matching exactly these labels (SelectorFromSet); validated. */
  static fromSet(labels: Readonly<Record<string, string>>): LabelSelector {
    return LabelSelector.fromObject({ matchLabels: { ...labels } });
  }

  /** True when the selector has no requirements and so matches everything. */
  isEmpty(): boolean { return !this.#nothing && this.requirements.length === 0; }
  /** True for the nothing-selector. */
  matchesNothing(): boolean { return this.#nothing; }

  matches(labels: Readonly<Record<string, string>> | null | undefined): boolean {
    if (this.#nothing) return false;
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }

  /** The canonical string form (requirements sorted by key); '' for everything and nothing. */
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

const OBJECT_OPERATORS: Readonly<Record<string, SelectorOperator>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, SelectorOperator>, { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' }),
);

function sortByKey(reqs: readonly Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/* ---------------- lexer and parser (Kubernetes' grammar) ---------------- */

type Tok = 'id' | 'in' | 'notin' | '!' | '!=' | '(' | ')' | ',' | '=' | '==' | '>' | '<' | 'eos' | 'error';
interface Item { tok: Tok; lit: string; pos: number }

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SPECIAL_TOKENS = new Set<string>(['!', '!=', '(', ')', ',', '=', '==', '>', '<']);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(s: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i] as string)) i++;
    if (i >= s.length) { items.push({ tok: 'eos', lit: '', pos: i }); return items; }
    const start = i;
    if (SPECIAL.has(s[i] as string)) {
      // Longest run of special characters that is still a token.
      let best = '';
      let buf = '';
      while (i < s.length && SPECIAL.has(s[i] as string)) {
        buf += s[i];
        if (SPECIAL_TOKENS.has(buf)) { best = buf; i++; } else break;
      }
      if (best === '') items.push({ tok: 'error', lit: `error expected: keyword found '${buf}'`, pos: start });
      else items.push({ tok: best as Tok, lit: best, pos: start });
      continue;
    }
    while (i < s.length && !SPECIAL.has(s[i] as string) && !isSpace(s[i] as string)) i++;
    const word = s.slice(start, i);
    items.push({ tok: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'id', lit: word, pos: start });
  }
}

class Parser {
  private readonly items: Item[];
  private at = 0;
  constructor(text: string) { this.items = lex(text); }

  /** The current token; in value context the keywords `in`/`notin` are plain identifiers. */
  private peek(values = true): Item {
    const it = this.items[Math.min(this.at, this.items.length - 1)] as Item;
    return values && (it.tok === 'in' || it.tok === 'notin') ? { ...it, tok: 'id' } : it;
  }
  private next(values = true): Item {
    const it = this.peek(values);
    if (this.at < this.items.length - 1) this.at++;
    return it;
  }
  private fail(msg: string, it: Item): never { throw new SelectorError(msg, it.pos); }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const it = this.peek();
      if (it.tok === 'eos') return reqs;
      if (it.tok !== 'id' && it.tok !== '!') this.fail(`found '${it.lit}', expected: !, identifier, or 'end of string'`, it);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`, e.position ?? it.pos);
        throw e;
      }
      const sep = this.next();
      if (sep.tok === 'eos') return reqs;
      if (sep.tok !== ',') this.fail(`found '${sep.lit}', expected: ',' or 'end of string'`, sep);
      const after = this.peek();
      if (after.tok !== 'id' && after.tok !== '!') this.fail(`found '${after.lit}', expected: identifier after ','`, after);
    }
  }

  private requirement(): Requirement {
    let first = this.next();
    let op: SelectorOperator | undefined;
    if (first.tok === '!') { op = '!'; first = this.next(); }
    if (first.tok !== 'id') this.fail(`found '${first.lit}', expected: identifier`, first);
    const key = first.lit;
    const ke = keyError(key, '<nil>');
    if (ke) this.fail(renderFieldError(ke), first);
    const la = this.peek();
    if (la.tok === 'eos' || la.tok === ',') return newRequirement(key, op ?? 'exists', []);
    if (op === '!') return newRequirement(key, '!', []);
    const opTok = this.next(false);
    switch (opTok.tok) {
      case 'in': op = 'in'; break;
      case 'notin': op = 'notin'; break;
      case '=': op = '='; break;
      case '==': op = '=='; break;
      case '!=': op = '!='; break;
      case '>': op = 'gt'; break;
      case '<': op = 'lt'; break;
      default: this.fail(`found '${opTok.lit}', expected: '=', '!=', '==', 'in', notin'`, opTok);
    }
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    try {
      return newRequirement(key, op, [...new Set(values)].sort());
    } catch (e) {
      if (e instanceof SelectorError) throw new SelectorError(e.message, first.pos);
      throw e;
    }
  }

  private setValues(): string[] {
    const open = this.next();
    if (open.tok !== '(') this.fail(`found '${open.lit}' expected: '('`, open);
    const la = this.peek();
    if (la.tok === ')') { this.next(); return ['']; }
    if (la.tok !== 'id' && la.tok !== ',') this.fail(`found '${la.lit}', expected: ',', ')' or identifier`, la);
    const out: string[] = [];
    for (;;) {
      const it = this.next();
      if (it.tok === 'id') {
        out.push(it.lit);
        const la2 = this.peek();
        if (la2.tok === ',') continue;
        if (la2.tok === ')') break;
        this.fail(`found '${la2.lit}', expected: ',' or ')'`, la2);
      } else if (it.tok === ',') {
        if (out.length === 0) out.push('');
        const la2 = this.peek();
        if (la2.tok === ')') { out.push(''); break; }
        if (la2.tok === ',') { this.next(); out.push(''); }
      } else {
        this.fail(`found '${it.lit}', expected: ',', or identifier`, it);
      }
    }
    const close = this.next();
    if (close.tok !== ')') this.fail(`found '${la.lit}', expected: ')'`, close);
    return out;
  }

  private exactValue(): string[] {
    const la = this.peek();
    if (la.tok === 'eos' || la.tok === ',') return [''];
    const it = this.next();
    if (it.tok === 'id') return [it.lit];
    return this.fail(`found '${it.lit}', expected: identifier`, it);
  }
}

/** Parses a label selector string (same as LabelSelector.parse). */
export function parseLabelSelector(text: string): LabelSelector {
  return LabelSelector.parse(text);
}
