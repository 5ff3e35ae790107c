/**
 * A mount namespace per container (root only), for the process runtime: the keeper is
 * started under `unshare --mount --propagation private` and, before it starts the
 * container, evaluates a generated setup script that makes the container's view
 * (mount-namespace-plan.ts explains how): its volumes at their mountPaths and the pod's
 * /etc/resolv.conf, either bound in place over the namespace's copy of the host's tree
 * (nothing new to create: the container runs as is, no chroot) or in a private root
 * the container is `chroot`ed into. Nothing is mounted or created in the host's
 * namespace: a private root is an empty directory under the runtime's own directory, and
 * every mount dies with the namespace's last process. `kubectl exec` enters the namespace
 * with `nsenter` (+ `chroot` into a private root).
 * The keeper's pid is the namespace's anchor, so re-adoption after a kubelet restart
 * needs nothing more than the pid the runtime already records.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { delimiter, join, posix } from 'node:path';
import { planMounts, realFs, type HostFs, type Mount, type MountOp } from './mount-namespace-plan.js';
import type { KeeperBind } from './keeper-spawner.js';

export type { Mount } from './mount-namespace-plan.js';

/** How a namespaced container is started: a prefix for the keeper, its setup script, the container's argv. */
export interface NamespacedLaunch {
  /** Argv prefix the keeper is started under (composable with other wrappers): unshare into a new mount namespace. */
  keeperPrefix: string[];
  /**
   * The setup script's text, which the keeper evaluates before it starts the container
   * (process-launch.ts). Passed on its command line, not written to a file: on a busy
   * node every file created costs (see prepareNamespacedLaunch).
   */
  setup: string;
  /** The container's command (chrooted into its private root, when it has one). */
  argv: string[];
  /**
   * An in-place view's binds, for a keeper starter that makes them itself (perl-launcher.ts)
   * and says so with SKIFF_BOUND=1; the setup script makes them otherwise.
   */
  binds?: KeeperBind[];
}

/** Why mount namespaces cannot be used here; undefined when they can. */
export function mountNamespaceUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const t of ['unshare', 'nsenter', 'chroot', 'mount']) if (!tool(t).startsWith('/')) return `${t} (util-linux/coreutils) not found`;
  const r = spawnSync(tool('unshare'), ['--mount', '--propagation', 'private', 'true'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0 ? undefined : 'unshare --mount failed';
}

const tools = new Map<string, string>();

/** A system tool's absolute path (the container's PATH may not hold sbin); the bare name when not found. */
function tool(name: string): string {
  let found = tools.get(name);
  if (found) return found;
  const dirs = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(delimiter)];
  found = dirs.map((d) => join(d, name)).find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return p.startsWith('/');
    } catch {
      return false;
    }
  }) ?? name;
  tools.set(name, found);
  return found;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const r = (at: string): string => (at === '/' ? '"$R"' : `"$R"${q(at)}`);

/** The container's stderr and exit-status files: a failed setup is reported there as the keeper would (status 128). */
export interface SetupFiles {
  stderr: string;
  exit: string;
  /** Created once the root is built, just before the keeper starts (the runtime waits for it). */
  ready?: string;
}

/**
 * The setup script for a plan, evaluated by the keeper: `set -e`; a refusal to run in the
 * host's namespace (its mounts would be the host's; `hostMountNsPath` is the kubelet's
 * /proc/<pid>/ns/mnt); on failure, the error in the container's stderr and status 128
 * (the keeper ends); on success it leaves the keeper's shell as it found it, in the
 * working directory when the view is in place (a private root's chroot changes to it).
 */
export function renderSetupScript(root: string, ops: MountOp[], hostMountNsPath: string, files: SetupFiles, workingDir?: string): string {
  const inPlace = ops[0]?.op === 'in-place';
  const lines = [
    'set -eu',
    // In place, view paths are the namespace's own paths: no root prefix.
    `R=${inPlace ? "''" : q(root)}`,
    `exec 3>&2 2>>${q(files.stderr)}`,
    `fail() { echo "skiff: cannot set up the mount namespace of the container" >&2; echo 128 >${q(`${files.exit}.tmp`)} && mv ${q(`${files.exit}.tmp`)} ${q(files.exit)}; }`,
    'trap fail EXIT',
    // `-ef` (same nsfs inode) is a builtin test: no readlink process per container start.
    `if [ /proc/self/ns/mnt -ef ${q(hostMountNsPath)} ]; then echo "skiff: refusing to build a container root in the host mount namespace" >&2; exit 1; fi`,
  ];
  for (const o of ops) {
    switch (o.op) {
      case 'in-place': break;
      case 'tmpfs': lines.push(`mount -t tmpfs -o mode=${o.mode.toString(8).padStart(4, '0')},size=4m skiff-root ${r(o.at)}`); break;
      case 'mirror': lines.push(o.type === 'dir' ? `mkdir ${r(o.at)}; mount --rbind ${q(o.host)} ${r(o.at)}` : `: >${r(o.at)}; mount --bind ${q(o.host)} ${r(o.at)}`); break;
      case 'symlink': lines.push(`ln -s ${q(o.target)} ${r(o.at)}`); break;
      case 'mkdir': lines.push(`mkdir -m 0755 ${r(o.at)}`); break;
      case 'touch': lines.push(`: >${r(o.at)}`); break;
      case 'mkdir-host': lines.push(`mkdir -p -m 0755 ${q(o.host)}`); break;
      case 'touch-host': lines.push(`[ -e ${q(o.host)} ] || : >${q(o.host)}`); break;
      case 'bind':
        // In place, the keeper's starter may have made the binds already (SKIFF_BOUND=1).
        lines.push(`${inPlace ? '[ -n "${SKIFF_BOUND-}" ] || ' : ''}mount --rbind ${q(o.host)} ${r(o.at)}`);
        if (o.readOnly) lines.push(`${inPlace ? '[ -n "${SKIFF_BOUND-}" ] || ' : ''}mount -o remount,bind,ro ${r(o.at)}`);
        break;
    }
  }
  if (inPlace) lines.push('unset SKIFF_BOUND', `cd -- ${q(workingDir || '/')}`);
  lines.push('trap - EXIT', ...(files.ready ? [`: >${q(files.ready)}`] : []), 'exec 2>&3 3>&-', 'set +eu');
  return `${lines.join('\n')}\n`;
}

/** Changes into the working directory inside the new root, then runs the command. */
const IN_ROOT = 'cd -- "$1" || exit 128; shift; exec "$@"';

/** Argv prefix that runs a command inside the container's root, in its working directory. */
export function chrootPrefix(root: string, workingDir: string | undefined): string[] {
  return [tool('chroot'), root, '/bin/sh', '-c', IN_ROOT, 'skiff-chroot', workingDir || '/'];
}

/** Argv prefix that runs a command in a running container's namespace (and private root, if it has one: exec, probes). */
export function execPrefix(keeperPid: number, root: string | undefined, workingDir: string | undefined): string[] {
  const enter = [tool('nsenter'), `--target=${keeperPid}`, '--mount'];
  return root ? [...enter, '--', ...chrootPrefix(root, workingDir)] : [...enter, `--wdns=${workingDir || '/'}`, '--'];
}

/**
 * The container's paths under the runtime's own directory: `dir/root`, the empty mount
 * point of a private root (an in-place view has no directory at all), and `ready`, which
 * the setup script creates once the view is built.
 */
export function containerDir(base: string, id: string): { dir: string; root: string; ready: string } {
  const dir = join(base, id);
  return { dir, root: join(dir, 'root'), ready: join(base, `${id}.ready`) };
}

/**
 * Plans the container's setup; throws (MountPlanError or fs errors) when it cannot. An
 * in-place view creates nothing on the host: the script travels on the keeper's command
 * line. Creating a file is not free — on a journal-less ext4 whose block group had
 * thousands of files deleted in the last minutes (a node that just replaced its pods), each
 * new inode cost ~1 ms of system time in bench:kubelet. What is left is synchronous: the
 * thread pool's round trips wait, in a burst of starts, behind every other pod's.
 */
export function prepareNamespacedLaunch(base: string, id: string, argv: string[], opts: { mounts: Mount[]; workingDir?: string; fs?: HostFs; files: SetupFiles }): NamespacedLaunch {
  const { root, ready } = containerDir(base, id);
  const ops = planMounts(opts.mounts, opts.fs ?? realFs, opts.workingDir ? { workingDir: opts.workingDir } : {});
  const inPlace = ops[0]?.op === 'in-place';
  // Only a private root needs its (empty) mount point; its existence tells exec how to enter.
  mkdirSync(inPlace ? base : root, { recursive: true, mode: 0o700 });
  rmSync(ready, { force: true });
  const setup = renderSetupScript(root, ops, `/proc/${process.pid}/ns/mnt`, { ...opts.files, ready }, opts.workingDir);
  const keeperPrefix = [tool('unshare'), '--mount', '--propagation', 'private', '--'];
  if (inPlace) return { keeperPrefix, setup, argv, binds: ops.flatMap((o) => (o.op === 'bind' ? [{ host: o.host, at: o.at, readOnly: o.readOnly }] : [])) };
  // chroot alone starts in the root's /: a shell to change directory only when there is one to change to.
  const inRoot = opts.workingDir && opts.workingDir !== '/' ? chrootPrefix(root, opts.workingDir) : [tool('chroot'), root];
  return { keeperPrefix, setup, argv: [...inRoot, ...argv] };
}

/**
 * Removes the container's directory — never recursively through the root: on the host it
 * is an empty directory (the mounts live only in the namespace); if it is not empty,
 * something is wrong and it is left alone. Returns false then.
 */
export function removeContainerDir(base: string, id: string): boolean {
  const { dir, root, ready } = containerDir(base, id);
  rmSync(ready, { force: true });
  // What an earlier version wrote in the container's directory (a re-adopted container).
  for (const old of ['setup.sh', 'ready']) rmSync(join(dir, old), { force: true });
  try {
    rmdirSync(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
  }
  try {
    rmdirSync(dir);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  return true;
}

/** The host path behind a container path (the longest mountPath prefix wins), for checks made from the host. */
export function hostPathOf(containerPath: string, mounts: Mount[]): string {
  let best: Mount | undefined;
  for (const m of mounts) {
    const mp = posix.normalize(m.containerPath);
    if ((containerPath === mp || containerPath.startsWith(`${mp}/`)) && (!best || mp.length >= posix.normalize(best.containerPath).length)) best = m;
  }
  return best ? posix.join(best.hostPath, posix.relative(posix.normalize(best.containerPath), containerPath)) : containerPath;
}

/** Resolves argv[0] as execvp would inside the container (through its mounts); the container path, or undefined. */
export function resolveInContainer(cmd: string, env: Record<string, string>, workingDir: string | undefined, mounts: Mount[]): string | undefined {
  const canExec = (p: string): boolean => {
    const h = hostPathOf(p, mounts);
    try {
      accessSync(h, constants.X_OK);
      return statSync(h).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) {
    const p = posix.resolve(workingDir || '/', cmd);
    return canExec(p) ? p : undefined;
  }
  for (const dir of (env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (dir.startsWith('/') && canExec(posix.join(dir, cmd))) return posix.join(dir, cmd);
  }
  return undefined;
}

/**
 * The process runtime's side of mount namespaces: whether they are used (root, tools
 * present; checked once, lazily), and the argv a namespaced container and its execs run
 * with. A container gets a namespace when it has mounts (the kubelet always gives one:
 * the pod's resolv.conf).
 */
export class ContainerMountNamespaces {
  private why: string | undefined | null = null;

  /** `base` holds each container's root mount point and ready mark; `forced` overrides detection (tests). */
  constructor(private readonly base: string, private readonly forced?: boolean) {}

  /** Why mounts cannot be made; undefined when they can. */
  unavailable(): string | undefined {
    if (this.forced === false) return 'disabled by configuration';
    if (this.why === null) this.why = this.forced ? undefined : mountNamespaceUnavailable();
    return this.why;
  }

  uses(mounts: Mount[] | undefined): mounts is Mount[] {
    return !!mounts?.length && this.unavailable() === undefined;
  }

  prepare(id: string, argv: string[], opts: { mounts: Mount[]; workingDir?: string; files: SetupFiles }): NamespacedLaunch {
    return prepareNamespacedLaunch(this.base, id, argv, opts);
  }

  /** Prefix of an exec's argv (the runtime's other wrappers go before it), into the container's working directory. */
  execPrefix(id: string, keeperPid: number, workingDir: string | undefined): string[] {
    const { root } = containerDir(this.base, id);
    return execPrefix(keeperPid, existsSync(root) ? root : undefined, workingDir);
  }

  /**
   * Resolves once the container's root is built and its command is starting, or its keeper
   * is gone (a failed setup: the exit status says so), or after `timeoutMs` — so "running"
   * means running, and a stop cannot land in the middle of the setup.
   */
  async waitReady(id: string, alive: () => boolean, timeoutMs = 60_000): Promise<void> {
    const { ready } = containerDir(this.base, id);
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(ready) && alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  remove(id: string): boolean {
    return removeContainerDir(this.base, id);
  }
}
