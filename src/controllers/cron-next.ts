/**
 * When a cron schedule fires, in a given IANA time zone (or the process's local zone), and
 * which scheduled times were missed — the CronJob controller's pure time arithmetic.
 */
import type { CronSchedule } from '../api/batch/v1/cron-schedule.js';

const MINUTE = 60_000;

interface Wall {
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function wallClock(ms: number, timeZone: string | undefined): Wall {
  if (!timeZone) {
    const d = new Date(ms);
    return { month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes(), weekday: d.getDay() };
  }
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return { month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) % 24, minute: Number(parts.minute), weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0 };
}

/**
 * The first time strictly after `afterMs` at which the schedule fires (whole minutes for
 * field schedules; `@every` adds its interval). Returns undefined when nothing fires within
 * five years (e.g. `0 0 30 2 *`).
 */
export function nextScheduleTime(schedule: CronSchedule, afterMs: number, timeZone?: string): number | undefined {
  if (schedule.kind === 'every') return Math.floor((afterMs + schedule.everyMs) / 1000) * 1000;
  const f = schedule.fields;
  const limit = afterMs + 5 * 366 * 24 * 60 * MINUTE;
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  while (t <= limit) {
    const w = wallClock(t, timeZone);
    const domOk = f.dayOfMonth.has(w.day);
    const dowOk = f.dayOfWeek.has(w.weekday);
    // Cron's rule: with both day fields restricted, either may match.
    const dayOk = f.dayOfMonthStar || f.dayOfWeekStar ? domOk && dowOk : domOk || dowOk;
    if (!f.month.has(w.month) || !dayOk) t += ((23 - w.hour) * 60 + (60 - w.minute)) * MINUTE;
    else if (!f.hour.has(w.hour)) t += (60 - w.minute) * MINUTE;
    else if (!f.minute.has(w.minute)) t += MINUTE;
    else return t;
  }
  return undefined;
}

export interface MissedTimes {
  /** The latest scheduled time in (earliest, now], if any. */
  mostRecent: number | undefined;
  /** How many times fell in (earliest, now], counted up to `cap + 1`. */
  count: number;
  /** The first time after now. */
  next: number | undefined;
}

/**
 * Scheduled times in (earliestMs, nowMs] (upstream getMostRecentScheduleTime). Counting
 * stops past `cap`; the most recent time is then found from a window before now that
 * doubles until it holds one, so a long-dead controller does not walk years minute by minute.
 */
export function missedScheduleTimes(schedule: CronSchedule, earliestMs: number, nowMs: number, timeZone?: string, cap = 100): MissedTimes {
  let count = 0;
  let mostRecent: number | undefined;
  let t = nextScheduleTime(schedule, earliestMs, timeZone);
  while (t !== undefined && t <= nowMs) {
    count++;
    mostRecent = t;
    if (count > cap) break;
    t = nextScheduleTime(schedule, t, timeZone);
  }
  if (count > cap) {
    for (let window = 60 * MINUTE; ; window *= 2) {
      const from = Math.max(earliestMs, nowMs - window);
      let last: number | undefined;
      for (let u = nextScheduleTime(schedule, from, timeZone); u !== undefined && u <= nowMs; u = nextScheduleTime(schedule, u, timeZone)) last = u;
      if (last !== undefined || from === earliestMs) {
        mostRecent = last ?? mostRecent;
        break;
      }
    }
  }
  return { mostRecent, count, next: nextScheduleTime(schedule, nowMs, timeZone) };
}
