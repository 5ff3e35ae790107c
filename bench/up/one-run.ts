/**
 * One `skiff up` run for bench:up: spawn on an empty data dir, time the node's Ready
 * condition and the first pod's Running phase, sample the idle process's RSS, stop with
 * SIGTERM and prove no pod process outlived it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFromKubeconfig, isNotFound, type RestClient } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { NodeKind, type Node } from '../../src/api/core/v1/node.js';
import { PodProcessTracker } from '../../test/e2e/support/pod-processes.js';

export interface RunOptions {
  /** argv before `up` (node flags and the CLI entry point). */
  entry: string[];
  cwd: string;
  /** Poll period for Ready/Running (ms). */
  pollMs: number;
  /** Idle: wait at least this long after the pod runs, then until RSS is stable (ms). */
  settleMinMs: number;
  settleMaxMs: number;
  /** Extra `skiff up` flags (experiments). */
  upFlags?: string[];
  /** Extra flags for the node process (e.g. --cpu-prof). */
  nodeFlags?: string[];
}

export interface RunResult {
  readyMs: number;
  firstPodMs: number;
  /** spawn → first successful API answer (admin kubeconfig readable, GET answered). */
  apiMs: number;
  /** spawn → the "skiff up: ready" line on stdout. */
  readyLineMs: number;
  /** CPU seconds (user + system) skiff up had used when its node was Ready: steadier than wall time on a busy machine. */
  cpuAtReadyS: number;
  idleRssMB: number;
  idleRssAnonMB: number;
  idleRssFileMB: number;
  peakRssMB: number;
  rssSettled: boolean;
  /** CPU use of skiff up (one pod running) over the idle window, % of one core. */
  idleCpuPercent: number;
  settleMs: number;
  /** Progress lines with their time after spawn (ms). */
  progress: Array<{ ms: number; line: string }>;
  exitCode: number | null;
  podProcessesSeen: number;
  /** Pod processes alive after skiff up exited (expected: pods outlive it by design). */
  podProcessesAfterSigterm: number;
  /** Pod processes alive after `skiff killall` (must be 0; any are killed by the bench). */
  podProcessesLeft: number;
  loadavg1m: number;
}

const NODE = 'bench-up';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** user + system CPU seconds of a live process (NaN when gone). */
export function procCpuS(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** VmRSS, RssAnon, RssFile, VmHWM of a live process in MB (undefined when gone). */
export function procMemMB(pid: number): { rss: number; anon: number; file: number; hwm: number } | undefined {
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024, file: (kb('RssFile') + kb('RssShmem')) / 1024, hwm: kb('VmHWM') / 1024 };
}

const podSpec = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'bench/sleep', command: ['sleep', '3600'] }] },
});

const ready = (n: Node): boolean => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

export async function runOnce(o: RunOptions): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-up-data-'));
  const home = mkdtempSync(join(tmpdir(), 'skiff-bench-up-home-'));
  const args = [
    ...(o.nodeFlags ?? []),
    ...o.entry,
    'up',
    '--data-dir', dataDir,
    '--port', '0',
    '--kubelet-port', '0',
    '--bind-address', '127.0.0.1',
    '--no-kubeconfig',
    '--node-name', NODE,
    // Test-safe ranges (DESIGN: 198.18.0.0/15 for test pod CIDRs, loopback services).
    '--cluster-cidr', '198.18.0.0/16',
    '--service-cidr', '127.43.0.0/16',
    '--cluster-dns', '127.43.0.10',
    '--dns-upstream', 'none',
    ...(o.upFlags ?? []),
  ];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: home, KUBECONFIG: '' } });
  const pid = child.pid;
  if (pid === undefined) throw new Error('spawn failed');
  const tracker = new PodProcessTracker(pid, 50);
  const progress: RunResult['progress'] = [];
  let out = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    const ms = performance.now() - t0;
    for (const l of lines) if (l.startsWith('skiff up: ')) progress.push({ ms, line: l.slice('skiff up: '.length) });
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let client: RestClient | undefined;
  const fail = (why: string): Error => new Error(`${why}\n--- skiff up output (tail) ---\n${out.slice(-3000)}`);
  try {
    // (a)/(b): the API's first answer, then create the pod; poll node and pod together.
    const deadline = Date.now() + 120_000;
    let apiMs = 0;
    const kubeconfig = join(dataDir, 'admin.kubeconfig');
    while (apiMs === 0) {
      if (child.exitCode !== null) throw fail('skiff up exited early');
      if (Date.now() > deadline) throw fail('the API did not answer within 120 s');
      if (existsSync(kubeconfig)) {
        try {
          client ??= clientFromKubeconfig({ path: kubeconfig, userAgent: 'bench-up' });
          await client.resource<Node>(NodeKind).get(NODE).catch((err: unknown) => {
            if (!isNotFound(err)) throw err;
          });
          apiMs = performance.now() - t0;
          break;
        } catch {
          // not serving yet (or the kubeconfig is still being written)
        }
      }
      await sleep(o.pollMs);
    }
    const c = client as RestClient;
    const pods = c.resource<Pod>(PodKind);
    let created = false;
    let readyMs = 0;
    let firstPodMs = 0;
    let cpuAtReadyS = NaN;
    while (readyMs === 0 || firstPodMs === 0) {
      if (child.exitCode !== null) throw fail('skiff up exited early');
      if (Date.now() > deadline) throw fail(`not there within 120 s (node Ready: ${readyMs > 0}, pod created: ${created}, Running: ${firstPodMs > 0})`);
      const checks: Array<Promise<void>> = [];
      if (!created) checks.push(pods.create(podSpec('first'), { namespace: 'default' }).then(() => void (created = true), () => {}));
      else if (firstPodMs === 0) {
        checks.push(pods.get('first', { namespace: 'default' }).then((p) => void (p.status?.phase === 'Running' && (firstPodMs = performance.now() - t0)), () => {}));
      }
      if (readyMs === 0) checks.push(c.resource<Node>(NodeKind).get(NODE).then((n) => void (ready(n) && ((readyMs = performance.now() - t0), (cpuAtReadyS = procCpuS(pid)))), () => {}));
      await Promise.all(checks);
      if (readyMs === 0 || firstPodMs === 0) await sleep(o.pollMs);
    }
    // The pod's host process: a session leader, child of skiff up, with the pod's IP.
    const pod = await pods.get('first', { namespace: 'default' });
    tracker.sample();
    if (!pod.status?.podIP || tracker.withPodIp(pod.status.podIP).length === 0) throw fail(`no host process with POD_IP=${pod.status?.podIP}`);

    // (c) idle RSS: at least settleMinMs after the pod runs, then until the last 5 s of
    // 1 s samples span < 1 MB (or settleMaxMs: reported as not settled).
    const tIdle = performance.now();
    const cpuIdle0 = procCpuS(pid);
    const samples: number[] = [];
    let settled = false;
    for (;;) {
      await sleep(1000);
      const m = procMemMB(pid);
      if (!m) throw fail('skiff up vanished while idle');
      samples.push(m.rss);
      const last = samples.slice(-6);
      const waited = performance.now() - tIdle;
      if (waited >= o.settleMinMs && last.length === 6 && Math.max(...last) - Math.min(...last) < 1) {
        settled = true;
        break;
      }
      if (waited >= o.settleMaxMs) break;
    }
    const settleMs = performance.now() - tIdle;
    const idleCpuPercent = ((procCpuS(pid) - cpuIdle0) / (settleMs / 1000)) * 100;
    const mem = procMemMB(pid);
    if (!mem) throw fail('skiff up vanished while idle');
    const load = loadavg()[0] ?? 0;
    const readyLine = progress.find((p) => p.line.startsWith('ready'));

    c.close();
    client = undefined;
    process.kill(pid, 'SIGTERM');
    const killer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 15_000);
    const exitCode = await exited;
    clearTimeout(killer);
    // Pods outlive skiff up on purpose (as with k3s: a restart adopts them); `skiff killall`
    // stops them. Whatever is still alive in a pod session after that is a leak.
    tracker.stopSampling();
    const afterSigterm = tracker.alive().length;
    const killall = spawnSync(process.execPath, [...o.entry, 'killall', '--data-dir', dataDir], { cwd: o.cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: home } });
    if (killall.status !== 0) throw fail(`skiff killall exited ${killall.status}: ${killall.stderr}`);
    const gone = Date.now() + 5000;
    while (tracker.alive().length > 0 && Date.now() < gone) await sleep(50);
    const left = tracker.alive();
    return {
      readyMs,
      firstPodMs,
      apiMs,
      readyLineMs: readyLine?.ms ?? NaN,
      cpuAtReadyS,
      idleRssMB: mem.rss,
      idleRssAnonMB: mem.anon,
      idleRssFileMB: mem.file,
      peakRssMB: mem.hwm,
      rssSettled: settled,
      idleCpuPercent,
      settleMs,
      progress,
      exitCode,
      podProcessesSeen: tracker.seen(),
      podProcessesAfterSigterm: afterSigterm,
      podProcessesLeft: left.length,
      loadavg1m: load,
    };
  } finally {
    client?.close();
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGKILL');
      await exited;
    }
    tracker.stopSampling();
    tracker.killAlive();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
