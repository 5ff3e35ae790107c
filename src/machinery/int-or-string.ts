/**
 * IntOrString (k8s.io/apimachinery/pkg/util/intstr): a JSON number or string, e.g.
 * `maxSurge: 25%` or `maxUnavailable: 1`, with Kubernetes' percentage scaling.
 */

export type IntOrString = number | string;

/** A value that is neither an integer nor a usable string/percentage. */
export class IntOrStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntOrStringError';
  }
}

/**
 * Accepts a JSON value as IntOrString: a string, or an integer in int32 range (the Go
 * type holds an int32); throws otherwise.
 */
export function parseIntOrString(v: unknown): IntOrString {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new IntOrStringError(`invalid value for IntOrString: ${v} is not an integer`);
    if (v < -2147483648 || v > 2147483647) throw new IntOrStringError(`invalid value for IntOrString: ${v} is out of int32 range`);
    return v;
  }
  if (typeof v === 'string') return v;
  throw new IntOrStringError(`invalid value for IntOrString: expected an integer or a string, got ${v === null ? 'null' : typeof v}`);
}

/** True for a string of the form `<int>%`. */
export function isPercent(v: IntOrString): v is string {
  return typeof v === 'string' && /^[+-]?[0-9]+%$/.test(v);
}

/** Go's strconv.Atoi for a string: optional sign and decimal digits. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Kubernetes' GetScaledValueFromIntOrPercent: an int is returned as is; `P%` becomes
 * ceil or floor of P·total/100 (exact integer arithmetic). Throws IntOrStringError for a
 * string that is not a percentage, with Kubernetes' wording.
 */
export function scaledValue(v: IntOrString | null | undefined, total: number, roundUp: boolean): number {
  if (v === null || v === undefined) throw new IntOrStringError('nil value for IntOrString');
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new IntOrStringError(`invalid value for IntOrString: ${v} is not an integer`);
    return v;
  }
  if (!v.endsWith('%')) throw new IntOrStringError('invalid value for IntOrString: invalid type: string is not a percentage');
  const p = atoi(v.slice(0, -1));
  if (p === undefined) throw new IntOrStringError(`invalid value for IntOrString: invalid value "${v}": strconv.Atoi: parsing "${v.slice(0, -1)}": invalid syntax`);
  const num = BigInt(p) * BigInt(Math.trunc(total));
  const q = num / 100n;
  const r = num % 100n;
  let out = q;
  if (r !== 0n) {
    // BigInt division truncates toward zero; adjust to ceil/floor.
    if (roundUp && num > 0n) out = q + 1n;
    if (!roundUp && num < 0n) out = q - 1n;
  }
  return Number(out);
}

/** An IntOrString's integer value when it is a number or a numeric string (IntValue()). */
export function intValue(v: IntOrString): number {
  if (typeof v === 'number') return v;
  return atoi(v) ?? 0;
}
