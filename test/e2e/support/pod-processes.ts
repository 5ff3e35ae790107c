/**
 * Finds the host processes of pods that a `skiff up` started (the process runtime starts
 * each container's keeper leading its own process group, with SKIFF_POD_IP in its
 * environment, from skiff up itself or from its keeper launcher — a child of skiff up), so
 * a test can check that none outlive it and kill, by PID, only processes it can prove are
 * its own: such a group leader seen as a child or grandchild of its skiff up, and members
 * of that group started after it. Linux /proc only.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
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
  return { pid, ppid: Number(f[1]), pgid: Number(f[2]), start: Number(f[19]) };
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

  /** Records the group-leading keepers among the parent's children and grandchildren: the pods' processes. */
  sample(): void {
    const procs = listProcs();
    const children = new Set(procs.filter((p) => p.ppid === this.parentPid).map((p) => p.pid));
    for (const p of procs) {
      if (this.leaders.has(p.pid) || p.pgid !== p.pid || !(p.ppid === this.parentPid || children.has(p.ppid))) continue;
      if (procEnv(p.pid).SKIFF_POD_IP !== undefined) this.leaders.set(p.pid, p);
    }
  }

  stopSampling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** How many pod process groups were seen so far. */
  seen(): number {
    return this.leaders.size;
  }

  /** Live processes in a recorded pod process group (a leader, or anything it started). */
  alive(): ProcInfo[] {
    const procs = listProcs();
    // Linux does not reuse a PID while it still names a live process group, so a group is
    // ours unless its leader's PID now belongs to a younger process (ours ended).
    const reused = new Set(procs.filter((p) => this.leaders.has(p.pid) && p.start !== this.leaders.get(p.pid)?.start).map((p) => p.pid));
    return procs.filter((p) => this.leaders.has(p.pgid) && !reused.has(p.pgid));
  }

  /** Live pod group leaders whose POD_IP is `ip`. */
  withPodIp(ip: string): ProcInfo[] {
    return this.alive().filter((p) => p.pid === p.pgid && procEnv(p.pid).POD_IP === ip);
  }

  /** SIGKILLs every live process of a recorded pod process group; returns what it killed. */
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
