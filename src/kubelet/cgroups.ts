/**
 * Resource isolation for the process runtime as root: each container gets its own cgroup
 * (`skiff/pod<uid>/<container-id>`) with its CPU and memory limits, the container's
 * keeper joins it before the container starts (so everything it runs inherits it), an
 * OOM kill is read from the cgroup's counters, and the cgroup goes once the container
 * ends. cgroup v1 (memory and cpu hierarchies) and v2 (one unified hierarchy).
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ownDir, parseCgroupLayout, type CgroupHierarchy, type CgroupLayout } from './cgroups-layout.js';

/** What a container may use (limits) and is guaranteed relative to its siblings (the CPU request). */
export interface CgroupLimits {
  cpuMillis?: number;
  cpuRequestMillis?: number;
  memoryBytes?: number;
}

/**
 * A container's cgroup, as its record remembers it: v1, one directory per hierarchy keyed
 * by its controllers ("memory", "cpu"; older records "cpu,cpuacct"); v2, the one directory as "unified".
 */
export interface ContainerCgroup {
  version: 1 | 2;
  dirs: Record<string, string>;
}

const BASE = 'skiff';
const CFS_PERIOD_US = 100_000;
const MIN_QUOTA_US = 1000;
const V2_CONTROLLERS = ['memory', 'cpu'];

/** cpu.shares for a CPU request, as the kubelet computes it (MilliCPUToShares: 1 CPU = 1024, at least 2). */
export function cpuShares(requestMillis: number | undefined): number {
  if (!requestMillis) return 2;
  return Math.min(262_144, Math.max(2, Math.floor((requestMillis * 1024) / 1000)));
}

/** cpu.weight (v2) for v1 shares, as runc converts them. */
export const cpuWeight = (shares: number): number => 1 + Math.floor(((shares - 2) * 9999) / 262_142);

/** The CFS quota for a CPU limit, in microseconds per CFS_PERIOD_US (the kernel takes no less than 1 ms). */
export const cfsQuotaUs = (limitMillis: number): number => Math.max(MIN_QUOTA_US, Math.floor((limitMillis * CFS_PERIOD_US) / 1000));

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};
const words = (path: string): string[] => (read(path) ?? '').split(/\s+/).filter(Boolean);
const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

interface Base {
  /** "memory", "cpu" (v1) or "unified" (v2). */
  key: string;
  /** The existing cgroup skiff's base is created in. */
  parent: string;
}

/** On v2 a cgroup with processes cannot hand controllers to children, except the root one. */
function v2Usable(parent: string, isMountRoot: boolean): boolean {
  const available = words(join(parent, 'cgroup.controllers'));
  if (!V2_CONTROLLERS.every((c) => available.includes(c))) return false;
  const delegated = words(join(parent, 'cgroup.subtree_control'));
  return isMountRoot || V2_CONTROLLERS.every((c) => delegated.includes(c)) || words(join(parent, 'cgroup.procs')).length === 0;
}

/** Whether skiff's base can live under `parent`: it is a cgroup, and a directory can really be made there. */
function probe(version: 1 | 2, h: CgroupHierarchy, parent: string): boolean {
  if (!existsSync(join(parent, 'cgroup.procs'))) return false;
  if (version === 2 && !v2Usable(parent, parent === h.mount)) return false;
  const base = join(parent, BASE);
  const existed = existsSync(base);
  try {
    mkdirSync(base, { recursive: true });
  } catch {
    return false;
  }
  if (!existed) tryRmdir(base);
  return true;
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    return errCode(err) === 'ENOENT';
  }
}

/** v2: lets the children of `dir` use the memory and cpu controllers. */
function delegate(dir: string): void {
  const missing = V2_CONTROLLERS.filter((c) => !words(join(dir, 'cgroup.subtree_control')).includes(c));
  if (missing.length) writeFileSync(join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
}

/** Writes a control file when the kernel offers it (swap accounting, oom.group are optional). */
function writeIfPresent(path: string, value: string): void {
  if (!existsSync(path)) return;
  try {
    writeFileSync(path, value);
  } catch {
    // e.g. memsw below the memory limit while it is being lowered; the memory limit still holds
  }
}

/**
 * skiff's cgroups on this machine: for each hierarchy, a `skiff` base under the current
 * process's own cgroup when possible (so a supervisor's accounting still covers the
 * pods), else under the hierarchy's root.
 */
export class Cgroups {
  private constructor(
    readonly version: 1 | 2,
    private readonly bases: Base[],
  ) {}

  /** The usable cgroups of `layout`, or why there are none. */
  static open(layout: CgroupLayout): Cgroups | string {
    const bases: Base[] = [];
    for (const h of layout.hierarchies) {
      const candidates = [...new Set([ownDir(h), h.mount])];
      const parent = candidates.find((p) => probe(layout.version, h, p));
      if (parent === undefined) return `cannot create cgroups under ${candidates.join(' or ')}`;
      bases.push({ key: layout.version === 2 ? 'unified' : h.controllers.join(','), parent });
    }
    const has = (c: string): boolean => bases.some((b) => b.key === 'unified' || b.key.split(',').includes(c));
    if (!has('memory') || !has('cpu')) return `cgroup v${layout.version} without the ${has('memory') ? 'cpu' : 'memory'} controller`;
    return new Cgroups(layout.version, bases);
  }

  /** Where the cgroups go, for logs and limitations(). */
  describe(): string {
    return `cgroup v${this.version} (${this.bases.map((b) => `${b.key}: ${join(b.parent, BASE)}`).join(', ')})`;
  }

  /**
   * Creates the container's cgroup with its limits; throws when the kernel refuses (the
   * container must then not start unconstrained). Idempotent for the same ids. Synchronous:
   * a cgroupfs mkdir or control-file write takes ~0.1 ms, less than one trip through the
   * thread pool, and in a burst of pod starts each such trip waits behind every other pod's.
   */
  create(podUid: string, containerId: string, limits: CgroupLimits): ContainerCgroup {
    const pod = `pod${podUid.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const cg: ContainerCgroup = { version: this.version, dirs: {} };
    for (const b of this.bases) cg.dirs[b.key] = join(b.parent, BASE, pod, containerId);
    try {
      for (const b of this.bases) {
        const dir = cg.dirs[b.key] as string;
        this.makeDirs(b.parent, dir);
        this.limit(b.key, dir, limits);
      }
    } catch (err) {
      void removeCgroup(cg, { attempts: 1 });
      throw err;
    }
    return cg;
  }

  private makeDirs(parent: string, dir: string): void {
    if (this.version === 1) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        // Another runtime may have just removed an empty pod dir or base on the way: once more.
        if (errCode(err) !== 'ENOENT') throw err;
        mkdirSync(dir, { recursive: true });
      }
      return;
    }
    // v2: each level hands memory and cpu down to the next.
    const levels = [parent, join(parent, BASE), dirname(dir), dir];
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as string;
      if (i > 0) mkdirSync(level, { recursive: true });
      if (i < levels.length - 1) delegate(level);
    }
  }

  private limit(key: string, dir: string, l: CgroupLimits): void {
    const has = (c: string): boolean => key === 'unified' || key.split(',').includes(c);
    const put = (file: string, value: string | number): void => writeFileSync(join(dir, file), String(value));
    const shares = cpuShares(l.cpuRequestMillis ?? l.cpuMillis);
    if (this.version === 1) {
      if (has('memory') && l.memoryBytes) {
        put('memory.limit_in_bytes', l.memoryBytes);
        writeIfPresent(join(dir, 'memory.memsw.limit_in_bytes'), String(l.memoryBytes));
      }
      if (has('cpu')) {
        put('cpu.shares', shares);
        if (l.cpuMillis) {
          put('cpu.cfs_period_us', CFS_PERIOD_US);
          put('cpu.cfs_quota_us', cfsQuotaUs(l.cpuMillis));
        }
      }
      return;
    }
    if (l.memoryBytes) {
      put('memory.max', l.memoryBytes);
      writeIfPresent(join(dir, 'memory.swap.max'), '0');
    }
    // The whole container goes on an OOM kill, as the kubelet asks on v2.
    writeIfPresent(join(dir, 'memory.oom.group'), '1');
    put('cpu.weight', cpuWeight(shares));
    if (l.cpuMillis) put('cpu.max', `${cfsQuotaUs(l.cpuMillis)} ${CFS_PERIOD_US}`);
  }
}

/** The cgroup.procs files the keeper writes its PID into, one per hierarchy. */
export const procsFiles = (cg: ContainerCgroup): string[] => [...new Set(Object.values(cg.dirs))].map((d) => join(d, 'cgroup.procs'));

const counter = (text: string | undefined, name: string): number | undefined => {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text ?? '');
  return m ? Number(m[1]) : undefined;
};

/** Whether the kernel OOM-killed a process of this cgroup (read before removing it). */
export function oomKilled(cg: ContainerCgroup): boolean {
  const dir = Object.entries(cg.dirs).find(([k]) => k === 'unified' || k.split(',').includes('memory'))?.[1];
  if (!dir) return false;
  if (cg.version === 2) {
    const events = read(join(dir, 'memory.events'));
    return (counter(events, 'oom_kill') ?? 0) > 0 || (counter(events, 'oom_group_kill') ?? 0) > 0;
  }
  const control = read(join(dir, 'memory.oom_control'));
  const kills = counter(control, 'oom_kill');
  // Kernels before 4.13 have no oom_kill counter: having hit the limit is the best sign left.
  if (kills === undefined) return counter(control, 'under_oom') === 1 || Number(read(join(dir, 'memory.failcnt')) ?? 0) > 0;
  return kills > 0;
}

/**
 * Removes a container's cgroup: whatever still runs in it is killed (the container has
 * ended; as with a pid namespace, nothing of it outlives it), then the directory goes,
 * retried briefly while the kernel finishes reaping. The pod directory and skiff's base
 * go too once empty. Resolves true when the container's directories are gone.
 */
export async function removeCgroup(cg: ContainerCgroup, opts: { attempts?: number; delayMs?: number } = {}): Promise<boolean> {
  const attempts = opts.attempts ?? 40;
  let all = true;
  for (const dir of new Set(Object.values(cg.dirs))) {
    const pod = dirname(dir);
    // Only ever a container's own cgroup: killing what a wrong path lists could take the host.
    if (!basename(pod).startsWith('pod') || basename(dirname(pod)) !== BASE) continue;
    let gone = false;
    for (let i = 0; i < attempts && !gone; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, opts.delayMs ?? 25));
      for (const pid of words(join(dir, 'cgroup.procs'))) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      gone = tryRmdir(dir);
    }
    all &&= gone;
    if (gone && tryRmdir(pod)) tryRmdir(dirname(pod));
  }
  return all;
}

export const NOT_ROOT = 'not running as root';

/**
 * skiff's cgroups on this machine, or why it has none: only root may create them, and the
 * hierarchy must be mounted and writable. Reads /proc unless the texts are given.
 */
export function openCgroups(opts: { isRoot?: boolean; mountinfo?: string; selfCgroup?: string } = {}): { cgroups: Cgroups } | { unavailable: string } {
  if (!(opts.isRoot ?? process.getuid?.() === 0)) return { unavailable: NOT_ROOT };
  const layout = parseCgroupLayout(opts.mountinfo ?? read('/proc/self/mountinfo') ?? '', opts.selfCgroup ?? read('/proc/self/cgroup') ?? '');
  if (!layout) return { unavailable: 'no cgroup filesystem is mounted' };
  const cgroups = Cgroups.open(layout);
  return typeof cgroups === 'string' ? { unavailable: cgroups } : { cgroups };
}
