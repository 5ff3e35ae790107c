/**
 * Readers of the kernel's usage counters, as pure functions of the file texts (so every
 * format can be tested with fixtures): /proc/stat, /proc/meminfo, /proc/<pid>/stat and
 * /proc/<pid>/status, and the cgroup v1/v2 CPU and memory files.
 */

/**
 * Clock ticks per second of the /proc times: USER_HZ, which the kernel fixes at 100 for
 * its user-space interface on every architecture Node runs on (sysconf is out of reach).
 */
export const USER_HZ = 100;

/**
 * CPU time the node has spent working since boot, in core-seconds: the first `cpu` line's
 * user + nice + system + irq + softirq + steal (idle and iowait are waiting; guest time is
 * already inside user). Undefined when the line is missing.
 */
export function nodeCpuSeconds(procStat: string): number | undefined {
  const line = /^cpu\s+(.*)$/m.exec(procStat)?.[1];
  if (!line) return undefined;
  const v = line.trim().split(/\s+/).map(Number);
  const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (Number.isFinite(v[i]) ? (v[i] as number) : 0), 0);
  return busy / USER_HZ;
}

/** A `Key: N kB` value of /proc/meminfo or /proc/<pid>/status, in bytes. */
export function kbField(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * The node's working set: MemTotal − MemAvailable, i.e. what could not be reclaimed at
 * once (upstream reads the root cgroup's usage minus inactive file pages; this is the same
 * idea from the figures every kernel publishes, cgroups or not).
 */
export function nodeWorkingSetBytes(meminfo: string): number | undefined {
  const total = kbField(meminfo, 'MemTotal');
  const available = kbField(meminfo, 'MemAvailable');
  return total === undefined || available === undefined ? undefined : Math.max(0, total - available);
}

/** What the process tree walk needs of /proc/<pid>/stat. */
export interface PidStat {
  pid: number;
  ppid: number;
  pgrp: number;
  /**
   * utime + stime + cutime + cstime in ticks: the process's own CPU time plus that of the
   * children it has reaped, so a container's sum over its live processes does not drop
   * when a short-lived child ends.
   */
  cpuTicks: number;
}

/** Parses /proc/<pid>/stat (the command name in parentheses may hold spaces and parentheses). */
export function parsePidStat(text: string): PidStat | undefined {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isFinite(pid)) return undefined;
  // After ") ": state(0) ppid(1) pgrp(2) … utime(11) stime(12) cutime(13) cstime(14).
  const rest = text.slice(close + 2).split(' ');
  const n = (i: number): number => Number(rest[i] ?? NaN);
  const cpuTicks = n(11) + n(12) + n(13) + n(14);
  if (!Number.isFinite(cpuTicks)) return undefined;
  return { pid, ppid: n(1), pgrp: n(2), cpuTicks };
}

/**
 * The processes of a container without a cgroup: its keeper `root`, everything descended
 * from it, and whatever stayed in its process group after being re-parented (containers
 * lead their own group).
 */
export function containerProcesses(root: number, all: readonly PidStat[]): PidStat[] {
  const children = new Map<number, PidStat[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out = new Map<number, PidStat>();
  const queue = all.filter((p) => p.pid === root || p.pgrp === root);
  while (queue.length) {
    const p = queue.pop() as PidStat;
    if (out.has(p.pid)) continue;
    out.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return [...out.values()];
}

/** A `name value` line of a cgroup stat file (memory.stat, cpu.stat). */
export function statField(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * A cgroup's working set, as cAdvisor computes it: usage minus inactive file pages
 * (reclaimable cache), never below 0. v1: memory.usage_in_bytes and memory.stat's
 * total_inactive_file; v2: memory.current and inactive_file.
 */
export function cgroupWorkingSet(version: 1 | 2, usage: string, memoryStat: string): number | undefined {
  const used = Number(usage.trim());
  if (!usage.trim() || !Number.isFinite(used)) return undefined;
  const inactive = statField(memoryStat, version === 1 ? 'total_inactive_file' : 'inactive_file') ?? 0;
  return Math.max(0, used - inactive);
}

/** A cgroup's CPU time in nanoseconds: v1 cpuacct.usage, v2 cpu.stat's usage_usec. */
export function cgroupCpuNanos(version: 1 | 2, text: string): number | undefined {
  if (version === 2) {
    const usec = statField(text, 'usage_usec');
    return usec === undefined ? undefined : usec * 1000;
  }
  const v = Number(text.trim());
  return text.trim() && Number.isFinite(v) ? v : undefined;
}
