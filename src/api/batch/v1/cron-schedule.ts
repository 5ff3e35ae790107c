/**
 * Standard 5-field cron schedules as CronJob accepts them (robfig/cron's ParseStandard):
 * minute hour day-of-month month day-of-week, with `*`, `?`, lists, ranges, steps,
 * month/weekday names, and the @yearly/@monthly/@weekly/@daily/@hourly/@every forms.
 * Errors carry robfig's wording, which Kubernetes puts in its validation messages.
 */

export interface CronFields {
  minute: ReadonlySet<number>;
  hour: ReadonlySet<number>;
  dayOfMonth: ReadonlySet<number>;
  month: ReadonlySet<number>;
  dayOfWeek: ReadonlySet<number>;
  /** True when day-of-month or day-of-week was `*` or `?` (cron's OR rule applies otherwise). */
  dayOfMonthStar: boolean;
  dayOfWeekStar: boolean;
}

/** A parsed schedule: either fields, or a fixed interval from `@every <duration>`. */
export type CronSchedule = { kind: 'fields'; fields: CronFields } | { kind: 'every'; everyMs: number };

export class CronScheduleError extends Error {}

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const months = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const days = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const bounds: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: days },
];

const descriptors: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const durationUnits: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration for the forms @every takes ("1h30m", "90s", "1.5h"). */
function parseGoDuration(s: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  if (s === '' || s === '0') return 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new CronScheduleError(`failed to parse duration @every ${s}: time: invalid duration "${s}"`);
    total += Number(m[1]) * (durationUnits[m[2] as string] as number);
    i = re.lastIndex;
  }
  return total;
}

function parseNumber(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^-?\d+$/.test(expr)) throw new CronScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number.parseInt(expr, 10);
  if (n < 0) throw new CronScheduleError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseRange(expr: string, b: Bounds, out: Set<number>): void {
  const slash = expr.split('/');
  const hyphen = (slash[0] as string).split('-');
  if (slash.length > 2) throw new CronScheduleError(`too many slashes: ${expr}`);
  if (hyphen.length > 2) throw new CronScheduleError(`too many hyphens: ${expr}`);
  let start: number;
  let end: number;
  if (hyphen[0] === '*' || hyphen[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    start = parseNumber(hyphen[0] as string, b);
    end = hyphen.length === 2 ? parseNumber(hyphen[1] as string, b) : start;
  }
  let step = 1;
  if (slash.length === 2) {
    step = parseNumber(slash[1] as string, b);
    if (step <= 0) throw new CronScheduleError(`step of range should be a positive number: ${expr}`);
    // "N/step" means N through the maximum.
    if (hyphen.length === 1 && hyphen[0] !== '*' && hyphen[0] !== '?') end = b.max;
  }
  if (start < b.min) throw new CronScheduleError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronScheduleError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  for (let v = start; v <= end; v += step) out.add(v);
}

function parseField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  for (const part of field.split(',')) parseRange(part, b, values);
  return { values, star: field === '*' || field === '?' };
}

/** Parses a schedule; throws CronScheduleError with robfig/cron's message when it is invalid. */
export function parseCronSchedule(spec: string): CronSchedule {
  const trimmed = spec.trim();
  if (trimmed === '') throw new CronScheduleError('empty spec string');
  if (trimmed.startsWith('@every ')) {
    const everyMs = parseGoDuration(trimmed.slice('@every '.length).trim());
    return { kind: 'every', everyMs: Math.max(everyMs, 1000) };
  }
  let text = trimmed;
  if (text.startsWith('@')) {
    const d = descriptors[text.toLowerCase()];
    if (!d) throw new CronScheduleError(`unrecognized descriptor: ${text}`);
    text = d;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new CronScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const parsed = fields.map((f, i) => parseField(f, bounds[i] as Bounds));
  return {
    kind: 'fields',
    fields: {
      minute: (parsed[0] as { values: Set<number> }).values,
      hour: (parsed[1] as { values: Set<number> }).values,
      dayOfMonth: (parsed[2] as { values: Set<number> }).values,
      month: (parsed[3] as { values: Set<number> }).values,
      dayOfWeek: (parsed[4] as { values: Set<number> }).values,
      dayOfMonthStar: (parsed[2] as { star: boolean }).star,
      dayOfWeekStar: (parsed[4] as { star: boolean }).star,
    },
  };
}

/** The parse error message, or undefined when the schedule is valid. */
export function cronScheduleProblem(spec: string): string | undefined {
  try {
    parseCronSchedule(spec);
    return undefined;
  } catch (err) {
    if (err instanceof CronScheduleError) return err.message;
    throw err;
  }
}
