/**
 * e2e, root only: `kubectl top pod` and `kubectl top node` against `skiff up`, as with
 * metrics-server. The kubelet serves /metrics/resource, the API server scrapes it and
 * serves metrics.k8s.io/v1beta1. A pod spinning on a CPU must show over 100m, an idle
 * one less; the node shows CPU and memory.
 *
 * `skiff up` runs in a network namespace of its own joined by a veth pair from
 * 198.18.0.0/15 (support/netns.ts), so its node address — where the kubelet listens and
 * the API server scrapes — is a test address rather than this machine's.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, REPO_ROOT, waitFor } from './support/index.js';
import { createTestHost, netnsUnavailable, type TestHost } from './support/netns.js';
import { stopNodePods } from './support/node-pods.js';
import { SKIFF_CLI } from './support/run-skiff.js';

const NETS = ['--cluster-cidr', '198.18.71.0/24', '--service-cidr', '127.57.0.0/16', '--cluster-dns', '127.57.0.10', '--dns-upstream', 'none'];

function unavailable(): string | false {
  return kubectlMissing() || netnsUnavailable();
}

/** `skiff up` inside the test host's namespace; resolves once it is ready. */
async function startUpIn(host: TestHost, args: string[]): Promise<{ child: ChildProcess; output: () => string; stop: () => Promise<void> }> {
  const [cmd, ...prefix] = host.exec as [string, ...string[]];
  const child = spawn(cmd, [...prefix, process.execPath, '--import', 'tsx', SKIFF_CLI, 'up', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  };
  try {
    await waitFor('skiff up to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`skiff up exited early:\n${out.slice(-3000)}`);
      return /skiff up: ready/.test(out) ? true : undefined;
    }, 90_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${out.slice(-3000)}`, { cause: err });
  }
  return { child, output: () => out, stop };
}

/** `kubectl top … --no-headers` rows as name → columns. */
function rows(stdout: string): Map<string, string[]> {
  return new Map(stdout.trim().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/)).map(([name, ...cols]) => [name as string, cols]));
}

/** "1234m" or "2" (cores) → millicores. */
const millicores = (s: string | undefined): number => (s?.endsWith('m') ? Number(s.slice(0, -1)) : Number(s) * 1000);

const pod = (name: string, script: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'top-e2e', role: name } },
  spec: { containers: [{ name: 'main', image: 'local/none', imagePullPolicy: 'Never', command: [process.execPath, '-e', script], resources: { requests: { cpu: '100m', memory: '32Mi' } } }] },
});

describe('kubectl top against skiff up (root)', { skip: unavailable() }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-top-'));
  const kc = join(dataDir, 'admin.kubeconfig');
  const cacheDir = join(dataDir, 'kube-cache');
  const k = (args: string[]) => kubectl(args, { kubeconfig: kc, cacheDir });
  let host: TestHost | undefined;
  let up: Awaited<ReturnType<typeof startUpIn>> | undefined;
  after(async () => {
    await up?.stop();
    await stopNodePods(dataDir).catch(() => {});
    host?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a busy pod over 100m, an idle one lower, and the node', { timeout: 240_000 }, async (t) => {
    host = createTestHost(37);
    up = await startUpIn(host, ['--data-dir', dataDir, '--no-kubeconfig', '--node-name', 'top-node', '--port', '0', '--kubelet-port', '0', '--bind-address', host.ip, ...NETS]);
    const file = join(dataDir, 'pods.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('busy', 'for (;;) {}'), pod('idle', 'setInterval(() => {}, 3600e3)')] }));
    const created = await k(['apply', '-f', file]);
    assert.equal(created.code, 0, created.stderr);

    const resources = await k(['api-resources', '--api-group=metrics.k8s.io', '--no-headers']);
    assert.equal(resources.code, 0, resources.stderr);
    assert.match(resources.stdout, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics$/m);
    assert.match(resources.stdout, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);

    let last = '';
    const pods = await waitFor('kubectl top pod to show both pods, the busy one over 100m', async () => {
      const r = await k(['top', 'pod', '--no-headers']);
      last = `${r.stdout}${r.stderr}`;
      const got = rows(r.stdout);
      return got.has('busy') && got.has('idle') && millicores(got.get('busy')?.[0]) > 100 ? got : undefined;
    }, 120_000, 500).catch((err: Error) => assert.fail(`${err.message}\nlast output: ${last}\n${up?.output().slice(-2000)}`));
    const busy = millicores(pods.get('busy')?.[0]);
    const idle = millicores(pods.get('idle')?.[0]);
    t.diagnostic(`top pod: ${JSON.stringify([...pods])}`);
    assert.ok(idle < busy, `idle ${idle}m below busy ${busy}m`);
    assert.match(pods.get('busy')?.[1] ?? '', /^\d+Mi$/);

    const selected = await k(['top', 'pod', '-l', 'role=idle', '--no-headers']);
    assert.equal(selected.code, 0, selected.stderr);
    assert.deepEqual([...rows(selected.stdout).keys()], ['idle']);

    const raw = await k(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/busy']);
    assert.equal(raw.code, 0, raw.stderr);
    const m = JSON.parse(raw.stdout) as { kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; window: string; timestamp: string; containers: Array<{ name: string; usage: { cpu: string; memory: string } }> };
    assert.equal(m.kind, 'PodMetrics');
    assert.deepEqual([m.metadata.name, m.metadata.namespace, m.metadata.labels.role], ['busy', 'default', 'busy']);
    assert.match(m.window, /^[\d.]+s$/);
    assert.match(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(m.containers[0]?.name, 'main');
    assert.match(m.containers[0]?.usage.cpu ?? '', /^\d+(n|u|m)?$/);
    assert.match(m.containers[0]?.usage.memory ?? '', /^\d+(Ki|Mi|Gi|k)?$/);
    const missing = await k(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NotFound|not found/);

    const nodes = await waitFor('kubectl top node to show the node', async () => {
      const r = await k(['top', 'node', '--no-headers']);
      last = `${r.stdout}${r.stderr}`;
      const row = rows(r.stdout).get('top-node');
      return row && !row.includes('<unknown>') ? row : undefined;
    }, 60_000, 500).catch((err: Error) => assert.fail(`${err.message}\nlast output: ${last}`));
    t.diagnostic(`top node: ${nodes.join(' ')}`);
    const [cpu, cpuPct, mem, memPct] = nodes;
    assert.ok(millicores(cpu) >= busy * 0.5, `node CPU ${cpu} carries the busy pod's ${busy}m`);
    assert.match(cpuPct ?? '', /^\d+%$/);
    assert.match(mem ?? '', /^\d+Mi$/);
    assert.match(memPct ?? '', /^\d+%$/);
  });
});
