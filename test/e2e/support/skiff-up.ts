import { recordedNetworkPolicyTable, removeNetworkPolicyTable } from '../../../src/netpol/host.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl } from './kubectl.js';
import { REPO_ROOT } from './test-server.js';
import { SKIFF_CLI } from './run-skiff.js';
import { waitFor } from './wait.js';

export interface SkiffUp {
  child: ChildProcess;
  /** The API server URL from its "serving on" line. */
  url: string;
  output(): string;
  /** SIGTERM (SIGKILL after 15 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every `skiff up` started here that is still running: for after() hooks. */
export function killRunningSkiffUps(): void {
  for (const c of running) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
}

/**
 * Starts `skiff up ARGS` from source as a child process and resolves once it prints
 * "ready" (rejects with its output if it exits or does not get there in time), without
 * the ingress controller unless ARGS give `--ingress-port`.
 * KUBECONFIG is cleared; `env` adds to the environment (e.g. a temp HOME).
 */
export async function startSkiffUp(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {}): Promise<SkiffUp> {
  // The ingress controller's default port 80 belongs to the README tour test: only a test that names its port gets one.
  const ingress = args.includes('--ingress-port') ? [] : ['--disable', 'ingress'];
  const c = spawn(process.execPath, ['--import', 'tsx', SKIFF_CLI, 'up', ...args, ...ingress], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '', ...opts.env } });
  running.add(c);
  let out = '';
  c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => c.once('exit', (code) => (running.delete(c), r(code))));
  const stop = async (): Promise<number | null> => {
    if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
    const t = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 15_000);
    const code = await exit;
    clearTimeout(t);
    return code;
  };
  try {
    await waitFor('skiff up to be ready', async () => {
      if (c.exitCode !== null) throw new Error(`skiff up exited early:\n${out.slice(-3000)}`);
      return /skiff up: ready/.test(out) ? true : undefined;
    }, opts.readyTimeoutMs ?? 90_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${out.slice(-3000)}`, { cause: err });
  }
  const url = /serving on (https:\/\/[^\s]+)/.exec(out)?.[1] ?? '';
  return { child: c, url, output: () => out, stop };
}

/**
 * A `skiff up` cluster in a temp data dir for one e2e file: `k` runs the real kubectl
 * against it (own cache dir), `start` launches it on loopback (API and node at 127.0.0.1),
 * `cleanup` (for after()) kills it, stops its pods and removes the dir.
 */
export function loopbackUpCluster(prefix: string, stopPods: (dataDir: string) => Promise<void>) {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const kubeconfig = join(dataDir, 'admin.kubeconfig');
  const cacheDir = join(dataDir, 'kube-cache');
  return {
    dataDir,
    k: (args: string[]) => kubectl(args, { kubeconfig, cacheDir }),
    start: (nodeName: string, more: readonly string[]) =>
      startSkiffUp(['--data-dir', dataDir, '--no-kubeconfig', '--node-name', nodeName, '--port', '0', '--kubelet-port', '0', '--bind-address', '127.0.0.1', '--node-ip', '127.0.0.1', ...more]),
    async cleanup(): Promise<void> {
      killRunningSkiffUps();
      await stopPods(dataDir).catch(() => {});
      // A killed node leaves its NetworkPolicy table (a cri node notes its name in its data dir).
      const table = recordedNetworkPolicyTable(join(dataDir, 'agent'));
      if (table) await removeNetworkPolicyTable(table);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
