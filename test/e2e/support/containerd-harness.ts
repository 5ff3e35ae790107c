/**
 * A private containerd for one e2e file: config, root, state, socket and CNI config all
 * under a temp dir, its own bridge and subnet. cleanup() undoes everything it made,
 * even after a failure: pods (through CRI), the daemon (by PID), mounts under the
 * temp dir, the bridge, ip_forward, pod cgroups and CNI result files (and, with
 * hostPorts, the nat chains of the portmap plugin).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriClient } from '../../../src/kubelet/cri/client.js';
import { buildTestImages } from './containerd-images.js';
import { snapshotPortmapRules, type PortmapSnapshot } from './containerd-portmap.js';
import { waitFor } from './wait.js';

const CNI_BIN = '/usr/lib/cni';
const NEEDED = ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/bin/containerd-shim-runc-v2', '/bin/busybox', `${CNI_BIN}/bridge`, `${CNI_BIN}/host-local`, `${CNI_BIN}/loopback`];

/** Why the suite cannot run here, or false. */
export function containerdMissing(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (containerd, runc, CNI bridge)';
  const missing = NEEDED.filter((p) => !existsSync(p));
  if (missing.length) return `containerd is not installed (missing ${missing.join(', ')}; apt-get install containerd runc containernetworking-plugins busybox-static)`;
  try {
    execFileSync('runc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'runc is not installed';
  }
  return false;
}

export interface ContainerdOptions {
  /** Bridge name (at most 15 characters) and a /24 inside 198.18.0.0/15. */
  bridge: string;
  subnet: string;
  images: { busybox: string; pause: string };
  /** Chain CNI's portmap plugin after the bridge (hostPort → iptables DNAT); its rules are removed by cleanup(). */
  hostPorts?: boolean;
}

export interface TestContainerd {
  dir: string;
  socket: string;
  client: CriClient;
  log(): string;
  cleanup(): Promise<void>;
}

/** Rewrites `containerd config default` as the recipe says (notes/cri-containerd.md). */
function configFor(dir: string, pauseImage: string): string {
  const def = execFileSync('containerd', ['config', 'default'], { encoding: 'utf8' });
  const set = (text: string, key: RegExp, value: string): string => {
    if (!key.test(text)) throw new Error(`containerd default config has no ${key}`);
    return text.replace(key, value);
  };
  let c = def;
  c = set(c, /^disabled_plugins = .*$/m, 'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]');
  c = set(c, /^root = .*$/m, `root = "${dir}/root"`);
  c = set(c, /^state = .*$/m, `state = "${dir}/state"`);
  c = set(c, /^(\s*)address = "\/run\/containerd\/containerd.sock"$/m, `$1address = "${dir}/containerd.sock"`);
  c = set(c, /netns_mounts_under_state_dir = false/, 'netns_mounts_under_state_dir = true');
  c = set(c, /restrict_oom_score_adj = false/, 'restrict_oom_score_adj = true');
  c = set(c, /sandbox_image = ".*"/, `sandbox_image = "${pauseImage}"`);
  c = set(c, /bin_dir = ".*"/, `bin_dir = "${CNI_BIN}"`);
  c = set(c, /conf_dir = ".*"/, `conf_dir = "${dir}/cni/net.d"`);
  c = set(c, /(\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\.options\][^[]*?)Root = ""/, `$1Root = "${dir}/state/runc"`);
  c = set(c, /path = "\/opt\/containerd"/, `path = "${dir}/opt"`);
  if (!/SystemdCgroup = false/.test(c)) throw new Error('containerd default config does not keep SystemdCgroup = false');
  return c;
}

function cniConf(dir: string, o: ContainerdOptions): string {
  const [base] = o.subnet.split('/');
  const gw = base!.replace(/\.0$/, '.1');
  return JSON.stringify({
    cniVersion: '1.0.0',
    name: `${o.bridge}-net`,
    plugins: [
      { type: 'bridge', bridge: o.bridge, isGateway: true, ipMasq: false, hairpinMode: true, ipam: { type: 'host-local', dataDir: `${dir}/cni/ipam`, ranges: [[{ subnet: o.subnet, gateway: gw }]], routes: [{ dst: '0.0.0.0/0' }] } },
      // containerd passes the sandbox's PortMappings as the portMappings capability.
      ...(o.hostPorts ? [{ type: 'portmap', capabilities: { portMappings: true } }] : []),
    ],
  });
}

export async function startTestContainerd(o: ContainerdOptions): Promise<TestContainerd> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-containerd-'));
  const socket = join(dir, 'containerd.sock');
  const ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  // containerd 1.6 and libcni make these outside any configured root: removed after if we made them (and they are empty).
  const hostDirs = ['/run/containerd/s', '/run/containerd', '/var/lib/cni/results', '/var/lib/cni'].filter((d) => !existsSync(d));
  let child: ChildProcess | undefined;
  let client: CriClient | undefined;
  let portmap: PortmapSnapshot | undefined;
  const logFile = join(dir, 'containerd.log');

  const cleanup = async (): Promise<void> => {
    // Pods first, through CRI, while the daemon still runs (this also stops their shims).
    if (client && child?.exitCode === null) {
      try {
        const { items } = await client.rt<{ items: { id: string }[] }>('ListPodSandbox', {}, 10_000);
        for (const s of items) {
          await client.rt('StopPodSandbox', { pod_sandbox_id: s.id }, 30_000).catch(() => {});
          await client.rt('RemovePodSandbox', { pod_sandbox_id: s.id }, 30_000).catch(() => {});
        }
      } catch {
        // The daemon is gone: the mounts and processes below are cleaned up regardless.
      }
    }
    client?.close();
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child!.once('exit', () => r()));
      process.kill(child.pid, 'SIGTERM');
      const t = setTimeout(() => child?.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    // Mounts under the temp dir (rootfs, shm, netns), deepest first, lazily.
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m === dir || m.startsWith(`${dir}/`));
    for (const m of mounts.sort((a, b) => b.length - a.length)) {
      try {
        execFileSync('umount', ['-l', m], { stdio: 'ignore' });
      } catch {
        // Already gone with its parent.
      }
    }
    try {
      execFileSync('ip', ['link', 'del', o.bridge], { stdio: 'ignore' });
    } catch {
      // Never made (no pod started).
    }
    // After CNI DEL of every pod (RemovePodSandbox above): only the leftovers remain.
    portmap?.restore();
    writeFileSync('/proc/sys/net/ipv4/ip_forward', ipForward);
    removeCgroups('skiff-cri');
    // libcni caches results in /var/lib/cni/results, named <network>-<container>-<ifname>.
    const results = '/var/lib/cni/results';
    if (existsSync(results)) for (const f of readdirSync(results)) if (f.startsWith(`${o.bridge}-net-`)) rmSync(join(results, f), { force: true });
    for (const d of hostDirs) {
      try {
        rmdirSync(d);
      } catch {
        // Not empty (someone else's) or never made.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (o.hostPorts) {
      if (!existsSync(`${CNI_BIN}/portmap`)) throw new Error(`hostPorts needs ${CNI_BIN}/portmap (apt-get install containernetworking-plugins)`);
      portmap = snapshotPortmapRules();
    }
    const tars = buildTestImages(join(dir, 'images'), o.images);
    mkdirSync(join(dir, 'cni', 'net.d'), { recursive: true });
    // Before containerd starts: its conf watcher ignores files created later.
    writeFileSync(join(dir, 'cni', 'net.d', '10-test.conflist'), cniConf(dir, o));
    writeFileSync(join(dir, 'config.toml'), configFor(dir, o.images.pause));
    const out = openSync(logFile, 'a');
    child = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', out, out], detached: true });
    const proc = child;
    await waitFor('containerd to serve its socket', async () => {
      if (proc.exitCode !== null) throw new Error(`containerd exited: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      return existsSync(socket) ? true : undefined;
    }, 30_000);
    for (const tar of [tars.pause, tars.busybox]) execFileSync('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', tar], { stdio: 'pipe' });
    client = new CriClient({ endpoint: `unix://${socket}`, timeoutMs: 30_000 });
    const c = client;
    await waitFor('CRI network ready', async () => {
      const st = await c.rt<{ status: { conditions: { type: string; status: boolean }[] } }>('Status', {});
      return st.status.conditions.every((x) => x.status) ? true : undefined;
    }, 30_000, 200);
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-3000) : '';
    await cleanup();
    throw new Error(`${(err as Error).message}\ncontainerd log:\n${log}`, { cause: err });
  }
  return { dir, socket, client: client!, log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''), cleanup };
}

/** Empty pod cgroups the cri runtime left under `<root>` in every hierarchy, then the root itself. */
function removeCgroups(root: string): void {
  const fs = '/sys/fs/cgroup';
  if (!existsSync(fs)) return;
  for (const h of readdirSync(fs)) {
    const base = join(fs, h, root);
    if (!existsSync(base)) continue;
    const rm = (d: string): void => {
      try {
        for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) rm(join(d, e.name));
        rmdirSync(d);
      } catch {
        // In use: left for its owner.
      }
    };
    rm(base);
  }
}
