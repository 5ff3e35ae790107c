import { badRequest } from './status.js';

/**
 * Parses the `timeout` query parameter (a Go duration such as `32s`, `1m0s`, `500ms`)
 * into milliseconds. Returns undefined when absent; throws a 400 Status when malformed.
 */
export function parseTimeoutParam(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const ms = parseGoDuration(value);
  if (ms === undefined || ms < 0) throw badRequest(`invalid timeout specified in the request URL: ${JSON.stringify(value)}`);
  return ms;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; undefined if the text is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;
  while (s.length > 0) {
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    s = s.slice(m[0].length);
  }
  return sign * total;
}
