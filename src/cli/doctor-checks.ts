/**
 * `skiff doctor`'s checks of the local machine: who we run as, cgroups, whether the
 * ports a node needs are free, and whether the data directory is usable. Each check
 * returns a result and never throws; paths and ids are injectable so tests can drive them.
 */
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync, statfsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail. */
  hint?: string;
}

/** Root or not, and what that means for the `process` runtime. */
export function checkRuntime(uid: number | undefined = process.getuid?.()): CheckResult {
  if (uid === 0) {
    return {
      name: 'runtime',
      status: 'ok',
      detail: 'process runtime, running as root: pods run as host processes; root is what isolation (network namespaces, Service ClusterIPs on a dummy interface) needs',
    };
  }
  return {
    name: 'runtime',
    status: 'ok',
    detail: `process runtime, not root (uid ${uid ?? 'unknown'}): it works unprivileged — pods are host processes on loopback addresses 127.x.y.z, without network, mount or cgroup isolation`,
    hint: 'run as root for pod network namespaces and ClusterIPs outside 127.0.0.0/8',
  };
}

/** cgroup v1, v2 or hybrid at `root`, and which controllers are there. */
export function checkCgroups(opts: { mounts?: string; root?: string } = {}): CheckResult {
  const root = opts.root ?? '/sys/fs/cgroup';
  let mounts = opts.mounts;
  if (mounts === undefined) {
    try {
      mounts = readFileSync('/proc/self/mounts', 'utf8');
    } catch (err) {
      return { name: 'cgroups', status: 'warn', detail: `cannot read /proc/self/mounts: ${(err as Error).message}` };
    }
  }
  // Fields: device mountpoint fstype options …
  const entries = mounts
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 4 && (f[1] === root || f[1]?.startsWith(`${root}/`)));
  const v2 = entries.find((f) => f[2] === 'cgroup2' && f[1] === root);
  const v1 = entries.filter((f) => f[2] === 'cgroup');
  const noLimits = 'CPU and memory limits are not enforced';
  if (v2) {
    let controllers: string[] = [];
    try {
      controllers = readFileSync(join(root, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      // An unreadable list is reported as empty below.
    }
    const missing = ['cpu', 'memory', 'pids'].filter((c) => !controllers.includes(c));
    return {
      name: 'cgroups',
      status: missing.length ? 'warn' : 'ok',
      detail: `v2 (unified) at ${root}, controllers: ${controllers.join(' ') || 'none'}`,
      ...(missing.length ? { hint: `controllers ${missing.join(', ')} are not enabled at ${root}` } : {}),
    };
  }
  if (v1.length) {
    // v1 controllers are the mount options that name one (`cpu`, `memory`, `name=systemd`…).
    const known = new Set(['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio', 'blkio', 'perf_event', 'hugetlb', 'pids', 'rdma', 'misc']);
    const controllers = [...new Set(v1.flatMap((f) => (f[3] ?? '').split(',').filter((o) => known.has(o))))].sort();
    const unified = entries.some((f) => f[2] === 'cgroup2');
    const missing = ['cpu', 'memory', 'pids'].filter((c) => !controllers.includes(c));
    return {
      name: 'cgroups',
      status: missing.length ? 'warn' : 'ok',
      detail: `v1${unified ? ' (hybrid, with a v2 hierarchy alongside)' : ''} at ${root}, controllers: ${controllers.join(' ') || 'none'}`,
      ...(missing.length ? { hint: `controllers ${missing.join(', ')} are not mounted` } : {}),
    };
  }
  return {
    name: 'cgroups',
    status: 'warn',
    detail: `no cgroup filesystem mounted at ${root}`,
    hint: `the process runtime runs without cgroups, but ${noLimits}; mount cgroup2 at ${root}`,
  };
}

/** Tries to listen on host:port and closes at once; resolves to the error code or undefined. */
export function tryBind(port: number, host: string): Promise<string | undefined> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => res(err.code ?? err.message));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => res(undefined)));
  });
}

/**
 * Whether `port` is free to listen on. `ownServer` is the API server URL the kubeconfig
 * points at when it answered: a port held by it is expected, not a problem.
 */
export async function checkPort(port: number, purpose: string, opts: { host?: string; ownServer?: URL } = {}): Promise<CheckResult> {
  const host = opts.host ?? '0.0.0.0';
  const name = `port ${port}`;
  const code = await tryBind(port, host);
  if (code === undefined) return { name, status: 'ok', detail: `${host}:${port} is free (${purpose})` };
  if (code === 'EADDRINUSE') {
    const own = opts.ownServer && Number(opts.ownServer.port || 443) === port && isLocalHost(opts.ownServer.hostname);
    if (own) return { name, status: 'ok', detail: `in use by the API server your kubeconfig points at (${opts.ownServer?.origin}), which answers` };
    return {
      name,
      status: 'warn',
      detail: `${host}:${port} is in use (EADDRINUSE): a new ${purpose} cannot listen on it`,
      hint: `if skiff already runs here this is expected; otherwise find the holder with \`ss -ltnp 'sport = :${port}'\` or pick another port`,
    };
  }
  if (code === 'EACCES') {
    return { name, status: 'fail', detail: `${host}:${port} needs privileges to listen on (EACCES)`, hint: 'ports below 1024 need root or CAP_NET_BIND_SERVICE; pick a port ≥ 1024' };
  }
  return { name, status: 'fail', detail: `cannot listen on ${host}:${port}: ${code}` };
}

function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '0.0.0.0';
}

/**
 * Whether `dir` can hold skiff's state: it exists and a file can be created in it, or
 * the nearest existing ancestor is a writable directory (skiff creates the rest).
 */
export function checkDataDir(dir: string): CheckResult {
  const name = 'data dir';
  const path = resolve(dir);
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return notUnderFile(path);
    if (code !== 'ENOENT') return { name, status: 'fail', detail: `cannot stat ${path}: ${(err as Error).message}` };
  }
  if (st && !st.isDirectory()) return { name, status: 'fail', detail: `${path} exists and is not a directory`, hint: 'pass --data-dir with a directory path' };
  if (st) {
    // A real write, not access(2): a read-only mount or a full disk shows up here too.
    try {
      rmSync(mkdtempSync(join(path, '.skiff-doctor-')), { recursive: true, force: true });
    } catch (err) {
      return { name, status: 'fail', detail: `${path} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: 'fix its owner or mode, or pass --data-dir' };
    }
    return withFreeSpace({ name, status: 'ok', detail: `${path} is writable` }, path);
  }
  let ancestor = dirname(path);
  for (;;) {
    try {
      const a = statSync(ancestor);
      if (!a.isDirectory()) return notUnderFile(path);
      accessSync(ancestor, constants.W_OK | constants.X_OK);
      return withFreeSpace({ name, status: 'ok', detail: `${path} does not exist yet; skiff will create it under ${ancestor}, which is writable` }, ancestor);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && dirname(ancestor) !== ancestor) {
        ancestor = dirname(ancestor);
        continue;
      }
      if (code === 'ENOTDIR') return notUnderFile(path);
      return { name, status: 'fail', detail: `${path} cannot be created: ${ancestor} is not writable (${code ?? (err as Error).message})`, hint: 'create it with the right owner, or pass --data-dir' };
    }
  }
}

function notUnderFile(path: string): CheckResult {
  return { name: 'data dir', status: 'fail', detail: `${path} cannot be created: a parent of it is a regular file, not a directory`, hint: 'pass --data-dir with a directory path' };
}

/** Appends free space; warns when the filesystem is nearly full (SQLite writes would fail). */
function withFreeSpace(r: CheckResult, path: string): CheckResult {
  try {
    const s = statfsSync(path);
    const free = s.bavail * s.bsize;
    const text = free >= 2 ** 30 ? `${(free / 2 ** 30).toFixed(1)} GiB free` : `${Math.round(free / 2 ** 20)} MiB free`;
    if (free < 100 * 2 ** 20) return { ...r, status: 'warn', detail: `${r.detail}, but only ${text}`, hint: 'free some disk space: the database and pod logs live here' };
    return { ...r, detail: `${r.detail} (${text})` };
  } catch {
    return r;
  }
}
