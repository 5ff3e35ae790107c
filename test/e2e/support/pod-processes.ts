/**
 * Finds the host processes of pods that a `skiff up` started (the process runtime runs
 * each container as a child of skiff up, leading its own session), so a test can check
 * that none outlive it and kill, by PID, only processes it can prove are its own: a
 * session leader seen as a child of its skiff up, and members of that session started
 * after it. Linux /proc only.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  sid: number;
  /** Clock ticks after boot: tells a process from a later one that reuses its PID. */
  start: number;
}

/** /proc/<pid>/stat, or undefined when the process is gone. */
export function readProc(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may contain anything: fields follow the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (f[0] === 'Z') return undefined; // a zombie has already exited
  return { pid, ppid: Number(f[1]), sid: Number(f[3]), start: Number(f[19]) };
}

export function listProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const p = readProc(Number(d));
    if (p) out.push(p);
  }
  return out;
}

/** The environment a process started with (empty when unreadable). */
export function procEnv(pid: number): Record<string, string> {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    return Object.fromEntries(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  } catch {
    return {};
  }
}

export class PodProcessTracker {
  private readonly leaders = new Map<number, ProcInfo>();
  private timer: NodeJS.Timeout | undefined;

  /** `parentPid`: the skiff up process. Samples every `intervalMs` until stopSampling(). */
  constructor(private readonly parentPid: number, intervalMs = 100) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Records the parent's children that lead their own session: the pods' processes. */
  sample(): void {
    for (const p of listProcs()) if (p.ppid === this.parentPid && p.sid === p.pid && !this.leaders.has(p.pid)) this.leaders.set(p.pid, p);
  }

  stopSampling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** How many pod sessions were seen so far. */
  seen(): number {
    return this.leaders.size;
  }

  /** Live processes in a recorded pod session (a leader, or anything it started). */
  alive(): ProcInfo[] {
    const procs = listProcs();
    // Linux does not reuse a PID while it still names a live session, so a session is
    // ours unless its leader's PID now belongs to a younger process (ours ended).
    const reused = new Set(procs.filter((p) => this.leaders.has(p.pid) && p.start !== this.leaders.get(p.pid)?.start).map((p) => p.pid));
    return procs.filter((p) => this.leaders.has(p.sid) && !reused.has(p.sid));
  }

  /** Live pod session leaders whose POD_IP is `ip`. */
  withPodIp(ip: string): ProcInfo[] {
    return this.alive().filter((p) => p.pid === p.sid && procEnv(p.pid).POD_IP === ip);
  }

  /** SIGKILLs every live process of a recorded pod session; returns what it killed. */
  killAlive(): ProcInfo[] {
    const victims = this.alive();
    for (const p of victims) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    return victims;
  }
}
