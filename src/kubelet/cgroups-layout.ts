/**
 * Where this machine's cgroups are and which one the current process is in, read from
 * /proc/self/mountinfo and /proc/self/cgroup. Pure: the texts are passed in, so every
 * layout (v1, v2, hybrid, cgroup namespaces) can be tested with fixtures.
 */
import { join } from 'node:path';

/**
 * The controllers the process runtime uses: the limits. (Not cpuacct: nothing reads its
 * accounting, and where it is mounted on its own it would be one more cgroup to make,
 * join and remove per container.)
 */
export const CONTROLLERS = ['memory', 'cpu'] as const;
export type Controller = (typeof CONTROLLERS)[number];

export interface CgroupHierarchy {
  /** Where the hierarchy is mounted (e.g. /sys/fs/cgroup/memory, or /sys/fs/cgroup for v2). */
  mount: string;
  /** The current process's cgroup in it, relative to the mount ("/" at the top). */
  own: string;
  /** Of CONTROLLERS, those this hierarchy carries (v1: its mount options; v2: all, checked at use). */
  controllers: Controller[];
}

export interface CgroupLayout {
  version: 1 | 2;
  /** v1: one per mounted hierarchy carrying memory or cpu; v2: exactly one. */
  hierarchies: CgroupHierarchy[];
}

/** Mountinfo escapes space, tab, newline and backslash as octal. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

interface CgroupMount {
  root: string;
  mount: string;
  type: 'cgroup' | 'cgroup2';
  options: string[];
}

function cgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mountpoint options [optional…] - fstype source superoptions
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const l = left.split(' ');
    const [type, , superOpts] = right.split(' ');
    if ((type !== 'cgroup' && type !== 'cgroup2') || !l[3] || !l[4]) continue;
    out.push({ root: unescape(l[3]), mount: unescape(l[4]), type, options: (superOpts ?? '').split(',') });
  }
  return out;
}

/** The process's cgroup as seen inside a mount whose root is `root` (a mount of a subtree, as in a container). */
function relativeTo(root: string, path: string): string {
  if (root === '/') return path;
  if (path === root) return '/';
  return path.startsWith(`${root}/`) ? path.slice(root.length) : '/';
}

/**
 * The cgroup layout: v1 when memory or cpu is bound to a v1 hierarchy (that includes the
 * "hybrid" layout, where a cgroup2 beside them carries no controllers we use), v2 when the
 * only usable mount is cgroup2. Undefined when neither is mounted.
 */
export function parseCgroupLayout(mountinfo: string, selfCgroup: string): CgroupLayout | undefined {
  const lines = selfCgroup
    .split('\n')
    .map((l) => /^(\d+):([^:]*):(.*)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ controllers: (m[2] as string).split(',').filter(Boolean), path: m[3] as string }));
  const mounts = cgroupMounts(mountinfo);
  const v1: CgroupHierarchy[] = [];
  for (const m of mounts) {
    if (m.type !== 'cgroup') continue;
    const controllers = CONTROLLERS.filter((c) => m.options.includes(c));
    if (controllers.length === 0 || v1.some((h) => h.controllers.some((c) => controllers.includes(c)))) continue;
    const line = lines.find((l) => controllers.every((c) => l.controllers.includes(c)));
    v1.push({ mount: m.mount, own: relativeTo(m.root, line?.path ?? '/'), controllers });
  }
  if (v1.some((h) => h.controllers.includes('memory') || h.controllers.includes('cpu'))) return { version: 1, hierarchies: v1 };
  const v2 = mounts.find((m) => m.type === 'cgroup2');
  if (!v2) return undefined;
  const line = lines.find((l) => l.controllers.length === 0);
  return { version: 2, hierarchies: [{ mount: v2.mount, own: relativeTo(v2.root, line?.path ?? '/'), controllers: [...CONTROLLERS] }] };
}

/** The directory of the process's own cgroup in `h`. */
export const ownDir = (h: CgroupHierarchy): string => (h.own === '/' ? h.mount : join(h.mount, h.own));
