/**
 * The process runtime's ListContainerStats: a container's CPU time and working set, from
 * its cgroup when it has one (root), else from /proc over its process tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerCgroup } from './cgroups.js';
import type { ContainerStats } from './runtime.js';
import { cgroupCpuNanos, cgroupWorkingSet, containerProcesses, kbField, parsePidStat, USER_HZ, type PidStat } from './usage-parse.js';

/** A running container as the runtime knows it. */
export interface StatsTarget {
  id: string;
  /** Its keeper's pid (the leader of the container's process group). */
  pid: number;
  cgroup?: ContainerCgroup;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const pidStat = (pid: number): PidStat | undefined => {
  const text = read(`/proc/${pid}/stat`);
  return text ? parsePidStat(text) : undefined;
};

/** Every process of the machine (a /proc snapshot; processes ending meanwhile are skipped). */
function allProcesses(): PidStat[] {
  const out: PidStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = pidStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** Sum of the processes' resident memory (VmRSS; kernel threads and zombies have none). */
const rssBytes = (pids: readonly PidStat[]): number => pids.reduce((sum, p) => sum + (kbField(read(`/proc/${p.pid}/status`) ?? '', 'VmRSS') ?? 0), 0);

/** CPU nanoseconds of processes, from their ticks (own plus reaped children's). */
const ticksToNanos = (pids: readonly PidStat[]): number => (pids.reduce((sum, p) => sum + p.cpuTicks, 0) * 1e9) / USER_HZ;

/** The directory of `cg` carrying controller `c` (v1 keys list controllers, v2 has one "unified"). */
function dirOf(cg: ContainerCgroup, c: 'cpu' | 'memory'): string | undefined {
  return Object.entries(cg.dirs).find(([k]) => k === 'unified' || k.split(',').includes(c))?.[1];
}

/**
 * From the cgroup: memory always; CPU from cpuacct.usage when cpuacct shares the cpu
 * hierarchy (v1 "cpu,cpuacct", the usual mount) or cpu.stat (v2). When cpuacct is mounted
 * on its own the runtime makes no cgroup there, so CPU is summed over the cgroup's
 * processes instead (cgroup.procs lists them all, however they were re-parented).
 */
function fromCgroup(cg: ContainerCgroup): { cpu?: number; mem?: number } {
  const out: { cpu?: number; mem?: number } = {};
  const memDir = dirOf(cg, 'memory');
  if (memDir) {
    const usage = read(join(memDir, cg.version === 2 ? 'memory.current' : 'memory.usage_in_bytes'));
    const mem = usage === undefined ? undefined : cgroupWorkingSet(cg.version, usage, read(join(memDir, 'memory.stat')) ?? '');
    if (mem !== undefined) out.mem = mem;
  }
  const cpuDir = dirOf(cg, 'cpu');
  const counter = cpuDir ? read(join(cpuDir, cg.version === 2 ? 'cpu.stat' : 'cpuacct.usage')) : undefined;
  const cpu = counter === undefined ? undefined : cgroupCpuNanos(cg.version, counter);
  if (cpu !== undefined) out.cpu = cpu;
  else {
    const procs = (read(join(memDir ?? cpuDir ?? '', 'cgroup.procs')) ?? '').split('\n').filter(Boolean);
    out.cpu = ticksToNanos(procs.map((p) => pidStat(Number(p))).filter((s): s is PidStat => s !== undefined));
  }
  return out;
}

/** Reads the usage of each container now; a container whose figures cannot be read is left out. */
export function readContainerStats(targets: readonly StatsTarget[], now: () => number = Date.now): ContainerStats[] {
  let snapshot: PidStat[] | undefined;
  const out: ContainerStats[] = [];
  for (const t of targets) {
    const timestampMs = now();
    if (t.cgroup) {
      const { cpu, mem } = fromCgroup(t.cgroup);
      out.push({ id: t.id, timestampMs, ...(cpu !== undefined ? { cpuUsageCoreNanoSeconds: Math.round(cpu) } : {}), ...(mem !== undefined ? { workingSetBytes: mem } : {}) });
      continue;
    }
    snapshot ??= allProcesses();
    const procs = containerProcesses(t.pid, snapshot);
    if (procs.length === 0) continue;
    out.push({ id: t.id, timestampMs, cpuUsageCoreNanoSeconds: Math.round(ticksToNanos(procs)), workingSetBytes: rssBytes(procs) });
  }
  return out;
}
