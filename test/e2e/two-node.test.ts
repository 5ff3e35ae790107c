/**
 * e2e, two nodes: `skiff up` (node-a) and a second `skiff agent` (node-b) that joins with
 * a token from `skiff token create` — as root in its own network namespace at
 * 198.18.0.x reaching the server over a veth pair, otherwise on loopback. Wrong and
 * expired tokens are refused with a clear message; a 4-replica deployment spreads over
 * both nodes; stopping node-b's agent moves its pods to node-a within the `fast` failover
 * time (8 s silent → unreachable, 5 s toleration → evicted and replaced).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, REPO_ROOT, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { parseKubeconfig } from '../../src/client/kubeconfig.js';
import { createTestHost, netnsUnavailable, type TestHost } from './support/netns.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');
/** What the `fast` preset promises: unreachable after 8 s, evicted 5 s later. */
const FAILOVER_S = 8 + 5;

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

const procs = new Set<Proc>();

function run(argv: string[], prefix: string[] = []): Proc {
  const [cmd, ...args] = [...prefix, process.execPath, '--import', 'tsx', CLI, ...argv];
  const child = spawn(cmd as string, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const p: Proc = {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      procs.delete(p);
      return code;
    },
  };
  procs.add(p);
  return p;
}

describe('two nodes: an agent joins with a token', { skip: kubectlMissing() }, () => {
  const dirs: string[] = [];
  const temp = (p: string): string => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  let host: TestHost | undefined;
  let up: Proc;
  let serverUrl = '';
  let kubeconfig = '';
  let cacheDir = '';
  const k = (args: string[]) => kubectl(args, { kubeconfig, cacheDir });
  /** The agent command line for node-b (inside the namespace when there is one). */
  const agent = (token: string, dataDir: string): Proc =>
    run(
      ['agent', '--server', serverUrl, '--token', token, '--data-dir', dataDir, '--node-name', 'node-b', '--node-ip', host?.ip ?? '127.0.0.2', '--port', host ? '10250' : '0', '--node-lease-duration-seconds', '8', '--cluster-dns', '127.43.0.10', '--dns-upstream', 'none'],
      host?.exec ?? [],
    );

  before(async () => {
    if (!netnsUnavailable()) host = createTestHost(7);
    const dataA = temp('skiff-2n-a-');
    cacheDir = temp('skiff-2n-kubectl-');
    up = run([
      'up', '--data-dir', dataA, '--port', '0', '--bind-address', host ? '0.0.0.0' : '127.0.0.1', '--no-kubeconfig',
      '--node-name', 'node-a', '--kubelet-port', '0', '--node-lifecycle', 'fast', '--service-cidr', '127.43.0.0/16', '--cluster-dns', '127.43.0.10', '--dns-upstream', 'none',
      '--disable', 'ingress', // port 80 is the README tour's
    ]);
    await waitFor('skiff up to be ready', async () => {
      if (up.child.exitCode !== null) throw new Error(`skiff up exited:\n${up.output().slice(-3000)}`);
      return /skiff up: ready/.test(up.output()) ? true : undefined;
    }, 90_000);
    const port = /serving on https:\/\/[^:]+:(\d+)/.exec(up.output())?.[1];
    assert.ok(port, up.output());
    serverUrl = `https://${host?.hostIp ?? '127.0.0.1'}:${port}`;
    kubeconfig = join(dataA, 'admin.kubeconfig');
  });

  after(async () => {
    for (const p of [...procs]) await p.stop().catch(() => {});
    for (const d of dirs) await stopNodePods(d);
    host?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const tokenCreate = async (ttl: string): Promise<string> => {
    const p = run(['token', 'create', '--ttl', ttl, '--kubeconfig', kubeconfig]);
    assert.equal(await p.exited, 0, p.output());
    return p.output().trim();
  };

  it('a wrong token and an expired token are refused with a clear message', async () => {
    const good = await tokenCreate('1h');
    const wrong = good.slice(0, -1) + (good.endsWith('a') ? 'b' : 'a');
    const refused = agent(wrong, temp('skiff-2n-bad-'));
    assert.equal(await refused.exited, 1, refused.output());
    assert.match(refused.output(), /cannot join: the server refused the token [a-z0-9]{6}: it is wrong, expired or deleted/);

    const created = Date.now();
    const shortLived = await tokenCreate('1s');
    await waitFor('the 1 s token to expire', async () => (Date.now() > created + 2_000 ? true : undefined), 10_000, 100);
    const expired = agent(shortLived, temp('skiff-2n-exp-'));
    assert.equal(await expired.exited, 1, expired.output());
    assert.match(expired.output(), /refused the token/);
  });

  it('a joined node gets pods; when its agent stops they move to the other node within the failover time', async () => {
    const agentDataDir = temp('skiff-2n-b-');
    const joined = agent(await tokenCreate('1h'), agentDataDir);
    await waitFor('node-b Ready', async () => {
      if (joined.child.exitCode !== null) throw new Error(`the agent exited:\n${joined.output()}`);
      const r = await k(['get', 'node', 'node-b', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
      return r.stdout === 'True' ? true : undefined;
    }, 60_000, 200);
    assert.match(joined.output(), /joined https:\/\/.* as node node-b/);

    const created = await k(['create', 'deployment', 'spread', '--image=busybox', '--replicas=4', '--', 'sleep', '3600']);
    assert.equal(created.code, 0, created.stderr);
    const running = (pods: PodRow[]) => pods.filter((p) => p.phase === 'Running' && p.ready && !p.deleting);
    const placed = await waitFor('4 pods Running', async () => {
      const pods = running(await podRows(k));
      return pods.length === 4 ? pods : undefined;
    }, 90_000, 250);
    assert.deepEqual([...new Set(placed.map((p) => p.node))].sort(), ['node-a', 'node-b'], `spread over both nodes: ${JSON.stringify(placed)}`);

    // The server reaches node-b's kubelet API with its kubelet client certificate…
    const onB = placed.find((p) => p.node === 'node-b') as PodRow;
    const exec = await k(['exec', onB.name, '--', 'sh', '-c', 'exit 3']);
    assert.equal(exec.code, 3, `exec through the server into node-b: ${exec.stderr}`);
    assert.equal((await k(['logs', onB.name])).code, 0);
    // …which serves nobody else: neither the node's own certificate nor no certificate.
    const kubeletUrl = `https://${host?.ip ?? '127.0.0.2'}:${await kubeletPort(k)}/containerLogs/default/${onB.name}/busybox`;
    const nodeCreds = parseKubeconfig(readFileSync(join(agentDataDir, 'kubelet.kubeconfig'), 'utf8'));
    assert.equal(await kubeletApiStatus(kubeletUrl, { cert: nodeCreds.cert, key: nodeCreds.key }), 403, 'a node certificate may not use the kubelet API');
    assert.equal(await kubeletApiStatus(kubeletUrl, {}), 'refused', 'no client certificate: refused in the TLS handshake');

    const stoppedAt = Date.now();
    const code = await joined.stop();
    assert.equal(code, 0, `the agent exits cleanly on SIGTERM (signal ${String(joined.child.signalCode)}):\n${joined.output().slice(-1500)}`);
    const moved = await waitFor('all 4 pods Running on node-a', async () => {
      const pods = running(await podRows(k));
      return pods.length === 4 && pods.every((p) => p.node === 'node-a') ? pods : undefined;
    }, 120_000, 250);
    const seconds = (Date.now() - stoppedAt) / 1000;
    process.stdout.write(`# failover: node-b's pods Running on node-a ${seconds.toFixed(1)} s after its agent stopped (preset: ${FAILOVER_S} s + start-up)\n`);
    assert.equal(moved.length, 4);
    // The configured failover plus time to start the replacements, with room for a loaded CI machine.
    assert.ok(seconds < FAILOVER_S + 30, `failover took ${seconds} s`);
    const node = await k(['get', 'node', 'node-b', '-o', 'jsonpath={.spec.taints[*].key}']);
    assert.match(node.stdout, /node\.kubernetes\.io\/unreachable/);
  });
});

interface PodRow {
  name: string;
  node: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
}

async function podRows(k: (args: string[]) => Promise<{ code: number | null; stdout: string }>): Promise<PodRow[]> {
  const r = await k(['get', 'pods', '-l', 'app=spread', '-o', 'json']);
  if (r.code !== 0) return [];
  const items = (JSON.parse(r.stdout) as { items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string; conditions?: Array<{ type: string; status: string }> } }> }).items;
  return items.map((p) => ({
    name: p.metadata.name,
    node: p.spec.nodeName ?? '',
    phase: p.status.phase ?? '',
    ready: (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    deleting: p.metadata.deletionTimestamp !== undefined,
  }));
}

async function kubeletPort(k: (args: string[]) => Promise<{ stdout: string }>): Promise<string> {
  return (await k(['get', 'node', 'node-b', '-o', 'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}'])).stdout;
}

/** The HTTP status of a GET to a kubelet API URL with the given client credentials, or 'refused' when TLS rejects the client. */
function kubeletApiStatus(url: string, creds: { cert?: Buffer; key?: Buffer }): Promise<number | 'refused'> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, ...creds, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('refused'));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
