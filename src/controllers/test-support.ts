/**
 * Test support for the controllers' e2e suites: a real `skiff server` (child process),
 * the controller manager in this process (or as a child), the real kubectl, and a pod
 * "kubelet stand-in" that marks pods Running/Ready through the status subresource —
 * nothing runs containers yet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { Informer } from '../client/informer.js';
import { silentLogger } from '../client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../client/rest-client.js';
import { isNotFound, isConflict } from '../client/status-error.js';
import { kubectl, startTestServer, REPO_ROOT, type KubectlResult, type TestServer } from '../../test/e2e/support/index.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import type { ControllerOptions } from './context.js';

export interface TestCluster {
  server: TestServer;
  client: RestClient;
  manager: ControllerManager | undefined;
  /** Runs the real kubectl against the server (shared discovery cache). */
  k(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  /** Like k() but throws when kubectl fails; returns stdout. */
  kk(args: readonly string[], stdin?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startCluster(opts: { manager?: boolean; controllers?: string[]; options?: ControllerOptions } = {}): Promise<TestCluster> {
  const server = await startTestServer();
  const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-cm-kcache-'));
  const client = clientFromKubeconfig({ path: server.kubeconfigPath, qps: 1000, burst: 1000 });
  let manager: ControllerManager | undefined;
  try {
    if (opts.manager !== false) manager = await startControllerManager({ client, log: silentLogger, ...(opts.controllers ? { controllers: opts.controllers } : {}), options: { resyncPeriodMs: 2000, ...opts.options } });
  } catch (err) {
    client.close();
    await server.stop();
    throw err;
  }
  const k = (args: readonly string[], stdin?: string) => kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir, ...(stdin !== undefined ? { stdin } : {}) });
  return {
    server,
    client,
    manager,
    k,
    async kk(args, stdin) {
      const r = await k(args, stdin);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async stop() {
      await manager?.stop().catch(() => {});
      client.close();
      await server.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a truthy value (returned) or the deadline passes (throws with the last value). */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, timeoutMs = 30_000, intervalMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}${lastErr ? ` error: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Marks every pod of a namespace Running and Ready (podIP from 198.18.0.0/15) as soon as
 * it appears — what a kubelet would report — once per pod, so a test may later make a pod
 * unready. `filter` limits which pods. Returns a stop function.
 */
export function markPodsReady(client: RestClient, namespace: string, filter: (p: Pod) => boolean = () => true, opts: { delayMs?: () => number } = {}): { stop(): Promise<void> } {
  const pods = client.resource<Pod>(PodKind);
  const informer = new Informer<Pod>({ listerWatcher: pods, namespace, logger: silentLogger });
  let n = 0;
  const marked = new Set<string>();
  const mark = async (p: Pod): Promise<void> => {
    const uid = p.metadata?.uid ?? '';
    const name = p.metadata?.name ?? '';
    if (marked.has(uid) || p.metadata?.deletionTimestamp || !filter(p)) return;
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    marked.add(uid);
    const i = n++;
    // A kubelet takes a while to start containers; tests may ask for that.
    const delay = opts.delayMs?.() ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = {
      phase: 'Running',
      podIP: `198.18.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`,
      podIPs: [{ ip: `198.18.${Math.floor(i / 250) % 250}.${(i % 250) + 1}` }],
      startTime: now,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: 'True', lastTransitionTime: now },
      ],
      containerStatuses: (p.spec?.containers ?? []).map((c) => ({ name: c.name, ready: true, restartCount: 0, image: c.image ?? '', imageID: '', started: true, state: { running: { startedAt: now } } })),
    };
    try {
      await pods.subresource('status').patch(name, { status }, 'merge', { namespace });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };
  const onErr = (err: unknown) => process.stderr.write(`markPodsReady: ${String(err)}\n`);
  informer.addEventHandler({ onAdd: (p) => void mark(p).catch(onErr), onUpdate: (_o, p) => void mark(p).catch(onErr), onDelete: () => {} });
  informer.start();
  return { stop: () => informer.stop() };
}

/** `skiff controller-manager` as a child process (for kill -9 tests); stop() by PID. */
export function spawnControllerManager(kubeconfig: string, args: string[] = []): { child: ChildProcess; output(): string; kill(signal?: NodeJS.Signals): Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts'), 'controller-manager', '--kubeconfig', kubeconfig, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBECONFIG: '' },
  });
  let out = '';
  const append = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, signal);
      await exited;
    },
  };
}
