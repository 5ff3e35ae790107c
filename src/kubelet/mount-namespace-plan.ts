/**
 * Where a container's volumes go in its private root, without ever creating anything on
 * the host's own filesystem. The plan is computed here from the host's directory tree
 * (pure given a HostFs; fixture-tested) and run by a shell script inside the container's
 * new mount namespace (mount-namespace.ts):
 *
 * - the private root is a tmpfs; every top-level entry of `/` is replicated in it
 *   (directories recursively bind-mounted read-write, symlinks recreated, files bound),
 *   so the container sees the host's tree as before, plus its volumes;
 * - a mountPath whose parent exists is bound over as is; a missing one is created — on a
 *   tmpfs: if its nearest existing ancestor is a host directory, that directory is first
 *   "opened": a tmpfs is mounted over it in the namespace and its entries are replicated
 *   there in the same way, so the new directory exists only in the namespace;
 * - inside a volume, missing directories are created in the volume (as runc does);
 * - symlinks on the way are followed within the container's view;
 * - when nothing has to be created (every mountPath exists on the host, the common case:
 *   only the pod's resolv.conf), there is no private root at all: the namespace's own copy
 *   of the host's mounts is the view and the binds go onto it in place.
 *
 * Chosen over overlayfs (no nested-mount loss under /etc on container hosts, no extra
 * kernel feature) and over pivot_root (chroot is enough: the container's processes are
 * the host's anyway; the point is the view, not confinement).
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';

/** A volume (or file) made visible at `containerPath` (CRI Mount). */
export interface Mount {
  containerPath: string;
  hostPath: string;
  readOnly?: boolean;
}

export type EntryType = 'dir' | 'file' | 'link' | 'other';

/** The host filesystem as the plan sees it (tests pass a fixture). */
export interface HostFs {
  /** Type and permission bits without following a final symlink; undefined when absent. */
  lstat(path: string): { type: EntryType; mode: number } | undefined;
  /** True when the path, following symlinks, is a directory. */
  isDir(path: string): boolean;
  readdir(path: string): string[];
  readlink(path: string): string;
}

export const realFs: HostFs = {
  lstat(path) {
    try {
      const s = lstatSync(path);
      return { type: s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other', mode: s.mode & 0o7777 };
    } catch {
      return undefined;
    }
  },
  isDir(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  readdir: (path) => readdirSync(path).sort(),
  readlink: (path) => readlinkSync(path),
};

/** One step of the script. Paths `at` are in the container's view (under the private root); `host` ones are host paths. */
export type MountOp =
  /** Nothing to create: no private root; the binds go onto the paths as the host has them, in the namespace only. */
  | { op: 'in-place' }
  | { op: 'tmpfs'; at: string; mode: number }
  | { op: 'mirror'; at: string; type: 'dir' | 'file'; host: string }
  | { op: 'symlink'; at: string; target: string }
  | { op: 'mkdir' | 'touch'; at: string }
  | { op: 'mkdir-host' | 'touch-host'; host: string }
  | { op: 'bind'; at: string; host: string; readOnly: boolean };

export class MountPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MountPlanError';
  }
}

const segments = (p: string): string[] => p.split('/').filter(Boolean);
const under = (p: string, dir: string): boolean => dir === '/' || p === dir || p.startsWith(`${dir}/`);

/**
 * The steps that build a container's private root: preparation (tmpfs, replicas, new
 * directories) first, then the binds shallowest first, so nothing hides a bind. Throws
 * MountPlanError for a relative mountPath or a symlink loop.
 */
export function planMounts(mounts: Mount[], fs: HostFs, opts: { workingDir?: string } = {}): MountOp[] {
  const prep: MountOp[] = [];
  const binds: MountOp[] = [];
  const opened = new Set<string>(['/']);
  /** What the plan creates, by view path (on a tmpfs) or host path (inside a volume). */
  const made = new Map<string, EntryType>();
  const madeInVolumes = new Map<string, EntryType>();
  const placed: Array<{ path: string; host: string }> = [];

  const replicate = (dir: string, into: MountOp[] = prep): void => {
    for (const name of fs.readdir(dir)) {
      const p = posix.join(dir, name);
      const st = fs.lstat(p);
      if (!st) continue;
      if (st.type === 'link') into.push({ op: 'symlink', at: p, target: fs.readlink(p) });
      else into.push({ op: 'mirror', at: p, type: st.type === 'dir' ? 'dir' : 'file', host: p });
    }
  };
  const open = (dir: string): void => {
    if (opened.has(dir) || made.has(dir)) return;
    prep.push({ op: 'tmpfs', at: dir, mode: fs.lstat(dir)?.mode ?? 0o755 });
    replicate(dir);
    opened.add(dir);
  };
  const covering = (p: string): { path: string; host: string } | undefined => {
    for (let i = placed.length - 1; i >= 0; i--) if (under(p, (placed[i] as { path: string }).path)) return placed[i];
    return undefined;
  };
  /** What is at a view path before the script runs (or after its earlier steps). */
  const lookup = (next: string, cur: string, vol: { path: string; host: string } | undefined, host: string): { type: EntryType } | undefined => {
    if (vol) return madeInVolumes.has(host) ? { type: madeInVolumes.get(host) as EntryType } : fs.lstat(host);
    if (made.has(next)) return { type: made.get(next) as EntryType };
    if (made.has(cur)) return undefined; // nothing of the host beneath a new directory
    return fs.lstat(next);
  };

  /** Makes `target` exist in the view; returns its final path (symlinks followed). */
  const ensure = (target: string, isDir: boolean): string => {
    let parts = segments(target);
    let cur = '/';
    let hops = 0;
    for (let i = 0; i < parts.length; ) {
      const next = posix.join(cur, parts[i] as string);
      const last = i === parts.length - 1;
      const vol = covering(next);
      const host = vol ? posix.join(vol.host, posix.relative(vol.path, next)) : next;
      const st = lookup(next, cur, vol, host);
      if (st?.type === 'link') {
        if (++hops > 40) throw new MountPlanError(`too many levels of symbolic links in ${target}`);
        const link = fs.readlink(host);
        const base = link.startsWith('/') ? link : posix.join(cur, link);
        parts = segments(posix.normalize(posix.join(base, ...parts.slice(i + 1))));
        cur = '/';
        i = 0;
        continue;
      }
      if (!st) {
        const type: EntryType = last && !isDir ? 'file' : 'dir';
        if (vol) {
          prep.push({ op: type === 'file' ? 'touch-host' : 'mkdir-host', host });
          madeInVolumes.set(host, type);
        } else {
          open(cur);
          prep.push({ op: type === 'file' ? 'touch' : 'mkdir', at: next });
          made.set(next, type);
        }
      }
      cur = next;
      i++;
    }
    return cur;
  };

  const sorted = mounts.map((m, i) => ({ m, i })).sort((a, b) => segments(a.m.containerPath).length - segments(b.m.containerPath).length || a.i - b.i);
  for (const { m } of sorted) {
    if (!m.containerPath.startsWith('/')) throw new MountPlanError(`mountPath ${m.containerPath} is not absolute`);
    const path = posix.normalize(m.containerPath);
    if (path === '/') throw new MountPlanError('a volume cannot be mounted at /');
    const at = ensure(path, fs.isDir(m.hostPath));
    binds.push({ op: 'bind', at, host: m.hostPath, readOnly: !!m.readOnly });
    placed.push({ path: at, host: m.hostPath });
  }
  // The working directory is made to exist too (runc does), never on the host.
  if (opts.workingDir?.startsWith('/')) ensure(posix.normalize(opts.workingDir), true);
  // Nothing new to create (the common case: only the pod's resolv.conf over the host's): the
  // namespace's own copy of the host's tree is the view, binds go straight onto it (private
  // to the namespace), and the container needs no root of its own, so no chroot either.
  if (opened.size === 1 && made.size === 0 && madeInVolumes.size === 0) return [{ op: 'in-place' }, ...binds];
  // A private root: the host's top level replicated on a tmpfs first (read only when needed).
  const root: MountOp[] = [{ op: 'tmpfs', at: '/', mode: 0o755 }];
  replicate('/', root);
  return [...root, ...prep, ...binds];
}
