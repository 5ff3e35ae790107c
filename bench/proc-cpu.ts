/**
 * CPU time from /proc for the benchmarks' reports (Linux; USER_HZ is 100 there).
 */
import { readFileSync } from 'node:fs';

const TICK_MS = 10;

/** A process's CPU time so far (user + system, ms); NaN when it cannot be read. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain anything.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** The whole machine's busy CPU time so far (ms): every state but idle and iowait, all CPUs. */
export function machineBusyMs(): number {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return (f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0)) * TICK_MS;
}
