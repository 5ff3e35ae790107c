/**
 * Kubernetes resource quantities (`100m`, `1.5Gi`, `1e3`), exact, with no floating point.
 *
 * A quantity is held as a BigInt count of nano-units (10^-9): Kubernetes rounds every
 * parsed value up (away from zero) to nano precision, so nothing finer can exist. The
 * format (BinarySI / DecimalSI / DecimalExponent) comes from the suffix and decides how the
 * value is printed, following k8s.io/apimachinery/pkg/api/resource:
 *  - canonical form: no fractional digits, the largest exponent (multiple of 3, or of 2^10)
 *    that keeps the value exact; `1.5` → `1500m`, `1.5Gi` → `1536Mi`, `0.1` → `100m`;
 *  - a BinarySI value below 1024, or not an integer, prints as DecimalSI (`0.5Ki` → `512`);
 *    a BinarySI value below 1 also takes the DecimalSI format (which `add` inherits);
 *  - like Kubernetes, a string already in canonical form is kept verbatim, including a
 *    leading `+` or leading zeros (`+1Ki` stays `+1Ki`, `1E3` stays `1E3`).
 * Deliberate limit: decimal exponents beyond ±10000 are rejected (Kubernetes wraps them).
 */

import { memoize } from './memo.js';

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

const REGEX_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_ERR_FORMAT = `quantities must match the regular expression '${REGEX_TEXT}'`;
export const QUANTITY_ERR_SUFFIX = "unable to parse quantity's suffix";
export const QUANTITY_ERR_NUMERIC = 'unable to parse numeric part of quantity';

/** A string that is not a valid quantity; `message` is Kubernetes' error text. */
export class QuantityError extends Error {
  readonly input: string;
  constructor(message: string, input: string) {
    super(message);
    this.name = 'QuantityError';
    this.input = input;
  }
}

const DEC_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18],
]);
const BIN_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 10], ['Mi', 20], ['Gi', 30], ['Ti', 40], ['Pi', 50], ['Ei', 60],
]);
const DEC_BY_EXP = new Map([...DEC_SUFFIXES].map(([s, e]) => [e, s]));
const BIN_BY_EXP = new Map<number, string>([[0, ''], ...[...BIN_SUFFIXES].map(([s, e]) => [e / 10, s] as [number, string])]);

const NANO = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_EXPONENT = 10_000;
const SUFFIX_CHARS = 'eEinumkKMGTP';

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface Pieces { positive: boolean; num: string; denom: string; suffix: string }

/** Splits a quantity string as Kubernetes' parseQuantityString does. */
function split(str: string): Pieces {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++; // leading zeros
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(QUANTITY_ERR_FORMAT, str);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

interface Suffix { base: 2 | 10; exponent: number; format: QuantityFormat }

function interpretSuffix(s: string, input: string): Suffix {
  const d = DEC_SUFFIXES.get(s);
  if (d !== undefined) return { base: 10, exponent: d, format: 'DecimalSI' };
  const b = BIN_SUFFIXES.get(s);
  if (b !== undefined) return { base: 2, exponent: b, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const e = Number(s.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > MAX_EXPONENT) throw new QuantityError(QUANTITY_ERR_NUMERIC, input);
    return { base: 10, exponent: e, format: 'DecimalExponent' };
  }
  throw new QuantityError(QUANTITY_ERR_SUFFIX, input);
}

/** Whether Kubernetes' int64 fast path would keep the caller's string as the printed form. */
function keepsOriginal(p: Pieces, sfx: Suffix): boolean {
  const shifted = p.num + p.denom;
  if (sfx.format === 'BinarySI') {
    if (p.denom.length > 0) return false;
    const precision = 15 - p.num.length - Math.trunc((sfx.exponent * 3) / 10) - 1;
    if (precision < 0) return false;
    const value = BigInt(shifted);
    if (value << BigInt(sfx.exponent) > MAX_INT64) return false;
    return (value & 7n) !== 0n;
  }
  const precision = 18 - (p.num.length + p.denom.length);
  const scale = sfx.exponent - p.denom.length;
  if (precision < 0 || scale < -9) return false;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** An exact, immutable Kubernetes quantity. */
export class Quantity {
  /** The value in nano-units (10^-9). */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
  readonly #text: string | undefined;

  private constructor(nanos: bigint, format: QuantityFormat, text?: string) {
    this.nanos = nanos;
    this.format = format;
    this.#text = text;
  }

  /**
   * Parses a quantity string; throws QuantityError with Kubernetes' message when invalid.
   * Quantities are immutable, so the same short input may return the same instance.
   */
  static parse(input: string): Quantity {
    return typeof input === 'string' ? parseText(input) : Quantity.parseUncached(input);
  }

  /** Quantity.parse without the memo (parseText's source). */
  static parseUncached(input: string): Quantity {
    if (typeof input !== 'string' || input.length === 0) throw new QuantityError(QUANTITY_ERR_FORMAT, String(input));
    if (input === '0') return new Quantity(0n, 'DecimalSI', '0');
    const pieces = split(input);
    const sfx = interpretSuffix(pieces.suffix, input);
    let format = sfx.format;
    // value = digits × 10^(exp10) × 2^(exp2); convert to nanos rounding the magnitude up.
    let mag = BigInt(pieces.num + pieces.denom);
    let exp10 = -pieces.denom.length + 9;
    if (sfx.base === 10) exp10 += sfx.exponent;
    else mag <<= BigInt(sfx.exponent);
    if (exp10 >= 0) mag *= pow10(exp10);
    else {
      const div = pow10(-exp10);
      mag = (mag + div - 1n) / div;
    }
    if (format === 'BinarySI' && mag > MAX_INT64 * NANO) mag = MAX_INT64 * NANO;
    const text = mag !== 0n && keepsOriginal(pieces, sfx) ? input : undefined;
    // Upstream switches a BinarySI value strictly between 0 and 1 to DecimalSI (printing handles < 1024).
    if (format === 'BinarySI' && mag < NANO && mag !== 0n) format = 'DecimalSI';
    return new Quantity(pieces.positive ? mag : -mag, format, text);
  }

  /** A quantity of exactly `n` nano-units. */
  static fromNanos(n: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(n, format);
  }
  /** A quantity of `n` milli-units (e.g. millicores). */
  static fromMilli(n: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(n) * 1_000_000n, format);
  }
  /** A quantity of `n` whole units (e.g. bytes). */
  static fromValue(n: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(n) * NANO, format);
  }

  isZero(): boolean { return this.nanos === 0n; }
  sign(): -1 | 0 | 1 { return this.nanos === 0n ? 0 : this.nanos < 0n ? -1 : 1; }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }
  equals(other: Quantity): boolean { return this.nanos === other.nanos; }

  /** this + other, in this quantity's format (or other's, when this is zero), as Kubernetes' Add. */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.nanos === 0n ? other.format : this.format);
  }
  /** this − other, formatted like `add`. */
  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.nanos === 0n ? other.format : this.format);
  }
  neg(): Quantity { return new Quantity(-this.nanos, this.format); }

  /** The value in units of 10^scale, rounded up away from zero (Kubernetes' ScaledValue). */
  scaledValue(scale: number): bigint {
    const shift = 9 + scale;
    if (shift <= 0) return this.nanos * pow10(-shift);
    const div = pow10(shift);
    const m = abs(this.nanos);
    const q = (m + div - 1n) / div;
    return this.nanos < 0n ? -q : q;
  }
  /** Whole units rounded up away from zero (Kubernetes' Value()); exact up to 2^53. */
  value(): number { return Number(this.scaledValue(0)); }
  /** Milli-units rounded up away from zero (Kubernetes' MilliValue()); exact up to 2^53. */
  milliValue(): number { return Number(this.scaledValue(-3)); }

  /** The serialized form (canonical unless the parsed text was already canonical). */
  toString(): string {
    return this.#text ?? canonical(this.nanos, this.format);
  }
  toJSON(): string { return this.toString(); }
}

// Every pod create parses the same few quantities several times (defaults, QoS, validation).
// Invalid inputs throw each time (a throw is not remembered).
const parseText = memoize((s: string) => Quantity.parseUncached(s));

/** Parses `s`; throws QuantityError. Same as Quantity.parse. */
export function parseQuantity(s: string): Quantity {
  return Quantity.parse(s);
}

/** Canonical text of `nanos` in `format`, as Kubernetes' CanonicalizeBytes. */
function canonical(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  const neg = nanos < 0n;
  const mag = abs(nanos);
  if (format === 'BinarySI' && mag >= 1024n * NANO && mag % NANO === 0n) {
    let m = mag / NANO;
    let e = 0;
    while (e < 6 && m % 1024n === 0n) { m /= 1024n; e++; }
    return `${neg ? '-' : ''}${m}${BIN_BY_EXP.get(e) ?? ''}`;
  }
  let m = mag;
  let e = -9;
  while (m % 10n === 0n) { m /= 10n; e++; }
  while (e % 3 !== 0) { m *= 10n; e--; }
  let suffix: string;
  if (format === 'DecimalExponent') suffix = e === 0 ? '' : `e${e}`;
  else {
    // Beyond exa there is no SI suffix: keep E and widen the mantissa.
    if (e > 18) { m *= pow10(e - 18); e = 18; }
    suffix = DEC_BY_EXP.get(e) ?? '';
  }
  return `${neg ? '-' : ''}${m}${suffix}`;
}
