/**
 * `skiff up` benchmark: how long the one-process cluster (with its local node) takes to be usable, and how fast
 * its embedded controllers and scheduler turn a Deployment into Running pods.
 *   cold start  — spawn → "ready" line, new data dir (CA, keys, database created)
 *   restart     — spawn → "ready" line, same data dir
 *   deployment  — `create deployment` (BENCH_REPLICAS, default 100) on BENCH_NODES (default 10)
 *                 simulated nodes (the local node is kept out by a nodeSelector) → every pod
 *                 Running (ReplicaSet, pods, binds, sim status)
 * Runs the CLI from source (tsx) unless BENCH_DIST=1 (bin/skiff.js, needs `npm run build`).
 * Prints one JSON line, then `up: cold <ms> ms, restart <ms> ms, deployment <N> pods/s`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/e2e/support/index.js';
import { clientFromKubeconfig, silentLogger } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { DeploymentKind } from '../../src/api/apps/v1/deployment.js';
import { startSim } from '../../src/sim/index.js';

const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 100);
const NODES = Number(process.env.BENCH_NODES ?? 10);

interface Up {
  child: ChildProcess;
  readyMs: number;
  stop(): Promise<number | null>;
}

async function startUp(dataDir: string): Promise<Up> {
  const args = process.env.BENCH_DIST ? [join(REPO_ROOT, 'bin/skiff.js')] : ['--import', 'tsx', join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts')];
  const t0 = performance.now();
  const c = spawn(process.execPath, [...args, 'up', '--data-dir', dataDir, '--port', '0', '--bind-address', '127.0.0.1', '--no-kubeconfig'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, HOME: dataDir, KUBECONFIG: '' },
  });
  let out = '';
  c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
  const stop = async (): Promise<number | null> => {
    if (c.exitCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
    const t = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 10_000);
    const code = await exit;
    clearTimeout(t);
    return code;
  };
  const deadline = Date.now() + 120_000;
  while (!out.includes('skiff up: ready')) {
    if (c.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`skiff up did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child: c, readyMs: performance.now() - t0, stop };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-up-'));
  let up: Up | undefined;
  try {
    up = await startUp(dataDir);
    const coldMs = up.readyMs;
    await up.stop();
    up = await startUp(dataDir);
    const restartMs = up.readyMs;

    const client = clientFromKubeconfig({ path: join(dataDir, 'admin.kubeconfig') });
    const sim = await startSim({ client, nodes: NODES, readyDelayMs: 0, leaseIntervalMs: 0, logger: silentLogger });
    const pods = client.resource<Pod>(PodKind);
    const t0 = performance.now();
    await client.resource(DeploymentKind).create(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bench' },
        spec: { replicas: REPLICAS, selector: { matchLabels: { app: 'bench' } }, template: { metadata: { labels: { app: 'bench' } }, spec: { nodeSelector: { type: 'skiff-sim' }, containers: [{ name: 'c', image: 'x' }] } } },
      },
      { namespace: 'default' },
    );
    let runningCount = 0;
    const deadline = Date.now() + 300_000;
    while (runningCount < REPLICAS) {
      if (Date.now() > deadline) throw new Error(`only ${runningCount}/${REPLICAS} pods Running after 300 s`);
      await new Promise((r) => setTimeout(r, 50));
      const list = await pods.list({ namespace: 'default', labelSelector: 'app=bench' });
      runningCount = list.items.filter((p) => p.status?.phase === 'Running').length;
    }
    const deployMs = performance.now() - t0;
    await sim.stop();
    client.close();
    const code = await up.stop();
    up = undefined;
    const result = {
      coldStartMs: Math.round(coldMs),
      restartMs: Math.round(restartMs),
      replicas: REPLICAS,
      nodes: NODES,
      deploymentToRunningMs: Math.round(deployMs),
      podsPerSecond: Math.round((REPLICAS / deployMs) * 1000),
      sigtermExitCode: code,
      cpus: cpus().length,
      loadavg1m: Number(loadavg()[0]?.toFixed(2)),
      runner: process.env.BENCH_DIST ? 'dist' : 'tsx',
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdout.write(`up: cold ${result.coldStartMs} ms, restart ${result.restartMs} ms, deployment ${result.podsPerSecond} pods/s\n`);
  } finally {
    await up?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:up: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
