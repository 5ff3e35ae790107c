/**
 * Runs `skiff server` as a real child process for e2e suites: a temp data dir, a free
 * loopback port (the server picks it: `--port 0`, read back from its stdout), readiness
 * by polling /readyz with a deadline, and teardown by PID that also removes the dir —
 * on failure too. The CLI is loaded from source through tsx (skiff-cli.ts), so suites
 * run the current code right after `npm ci`, without a build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEtcd, type TestEtcd } from '../../../src/storage/etcd/test-etcd.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');

export interface TestServerOptions {
  /**
   * 'sqlite' (default); 'etcd' starts a private etcd for this server (stopped with it);
   * or an existing etcd to share.
   */
  datastore?: 'sqlite' | 'etcd' | { etcdEndpoints: string[]; etcdPrefix?: string };
  /** Extra `skiff server` flags (e.g. ['--token-auth-file', f]). */
  args?: string[];
  /**
   * Run the in-process controller manager and scheduler (the server's default). Off by
   * default here: most suites drive the API alone, or start their own components.
   */
  components?: boolean;
  /**
   * Run the compiled CLI (bin/skiff.js, as `skiff server` runs; build first) instead of
   * the sources through tsx — benchmarks measure the server as shipped.
   */
  compiled?: boolean;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Default 60 s (a cold tsx start on a busy 2-core machine can take a while). */
  readyTimeoutMs?: number;
  /**
   * Serve from this data dir and keep it on stop (to restart on the same state, or read the
   * database after); the caller removes it. Default: a temp dir removed on stop.
   */
  dataDir?: string;
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  /** `<dataDir>/admin.kubeconfig` (admin client certificate). */
  kubeconfigPath: string;
  caPem: string;
  adminToken: string;
  pid: number;
  /** What the server wrote to stdout and stderr so far (the last few MB). */
  output(): string;
  /** SIGTERM (SIGKILL after 10 s), wait for exit, remove the data dir (and a private etcd). Idempotent. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const removeDir = (): void => {
    if (opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  let etcd: TestEtcd | undefined;
  let child: ChildProcess | undefined;
  let out = '';
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;

  const onExit = (): void => {
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    removeDir();
  };
  let stopped: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const stop = (): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
    (stopped ??= (async () => {
      let result: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
      try {
        if (child?.pid !== undefined && exit) {
          if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
          const killer = setTimeout(() => {
            if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
          }, 10_000);
          result = await exit;
          clearTimeout(killer);
        }
      } finally {
        process.off('exit', onExit);
        await etcd?.stop().catch(() => {});
        removeDir();
      }
      return result;
    })());

  try {
    const store: string[] = [];
    if (opts.datastore === 'etcd') {
      etcd = await startEtcd();
      store.push('--datastore', 'etcd', '--etcd-endpoints', etcd.endpoints.join(','));
    } else if (typeof opts.datastore === 'object') {
      store.push('--datastore', 'etcd', '--etcd-endpoints', opts.datastore.etcdEndpoints.join(','));
      if (opts.datastore.etcdPrefix) store.push('--etcd-prefix', opts.datastore.etcdPrefix);
    }
    // The API server alone: nothing makes each namespace's default ServiceAccount, so pods would be refused.
    const components = opts.components ? [] : ['--disable', 'controller-manager,scheduler', '--disable-admission-plugins', 'ServiceAccount'];
    const cli = opts.compiled ? [join(REPO_ROOT, 'bin/skiff.js')] : ['--import', 'tsx', CLI];
    const args = [...(opts.nodeArgs ?? []), ...cli, 'server', '--data-dir', dataDir, '--port', '0', '--bind-address', '127.0.0.1', ...store, ...components, ...(opts.args ?? [])];
    // Should the test process die without teardown, take the server and its dir with it.
    process.once('exit', onExit);
    const c = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
    child = c;
    exit = new Promise((res) => c.once('exit', (code, signal) => res({ code, signal })));
    // Keep the last 4 MB: a long suite logs a line per request.
    const append = (d: Buffer): void => {
      out += d.toString();
      if (out.length > 8_000_000) out = out.slice(-4_000_000);
    };
    c.stdout?.on('data', append);
    c.stderr?.on('data', append);

    const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
    let url: string | undefined;
    while (!url) {
      const m = /serving on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) url = m[1];
      else {
        if (c.exitCode !== null || c.signalCode !== null) throw new Error(`skiff server exited early:\n${out.slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`skiff server did not start in time:\n${out.slice(-3000)}`);
        await sleep(50);
      }
    }
    const caPem = readFileSync(join(dataDir, 'tls', 'ca.crt'), 'utf8');
    while ((await readyz(url, caPem)) !== 200) {
      if (c.exitCode !== null) throw new Error(`skiff server exited early:\n${out.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`skiff server not ready in time:\n${out.slice(-3000)}`);
      await sleep(50);
    }
    return {
      url,
      port: Number(new URL(url).port),
      dataDir,
      kubeconfigPath: join(dataDir, 'admin.kubeconfig'),
      caPem,
      adminToken: readFileSync(join(dataDir, 'admin.token'), 'utf8').trim(),
      pid: c.pid as number,
      output: () => out,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** GET /readyz status code; 0 when the connection fails. */
function readyz(url: string, caPem: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(new URL('/readyz', url), { ca: caPem, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}
