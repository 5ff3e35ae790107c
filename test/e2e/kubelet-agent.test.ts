/**
 * e2e: `skiff agent` as a real process, run as an unprivileged user when the test runs as
 * root (setpriv to nobody): the node registers, pods run with distinct loopback IPs, and
 * the missing isolation is reported as a Warning event on the node.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, REPO_ROOT, type TestServer, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { EventKind, type Event } from '../../src/api/core/v1/event.js';
import { NodeKind, type Node } from '../../src/api/core/v1/node.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');
const NODE = 'agent-e2e-node';


/** Kills (by PID) processes whose environment carries SKIFF_E2E_MARK=<mark>. */
function killMarked(mark: string): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`SKIFF_E2E_MARK=${mark}`)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone or not ours to read
    }
  }
}

const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;

describe('skiff agent (unprivileged)', { timeout: 180_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let agent: ChildProcess | undefined;
  let dir: string;
  let out = '';

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    dir = mkdtempSync(join(tmpdir(), 'skiff-agent-e2e-'));
    chmodSync(dir, 0o777);
    const kc = join(dir, 'agent.kubeconfig');
    copyFileSync(server.kubeconfigPath, kc);
    chmodSync(kc, 0o644);
    const args = ['--import', 'tsx', CLI, 'agent', '--kubeconfig', kc, '--data-dir', join(dir, 'data'), '--node-name', NODE, '--node-ip', '127.0.0.1', '--port', '0', '--proxy-mode', 'none', '--disable-dns', '--disable-ingress'];
    const drop = isRoot && hasSetpriv ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    agent = spawn(drop[0] as string, [...drop.slice(1), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, HOME: dir } });
    agent.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    agent.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  });
  after(async () => {
    // Deleting the pods makes the agent stop their processes; then a by-PID sweep of
    // anything still carrying this test's marker, in case the agent could not.
    for (const n of ['u1', 'u2']) await client?.resource<Pod>(PodKind).delete(n, { namespace: 'default', gracePeriodSeconds: 1 }).catch(() => {});
    await waitFor('pods gone', async () => {
      const left = (await client.resource<Pod>(PodKind).list({ namespace: 'default' })).items.length;
      return left === 0 ? true : undefined;
    }, 15_000).catch(() => {});
    killMarked(dir);
    if (agent?.pid && agent.exitCode === null) {
      const exited = new Promise((r) => agent?.once('exit', r));
      process.kill(agent.pid, 'SIGTERM');
      const t = setTimeout(() => agent?.pid && process.kill(-agent.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    // The agent leaves pods running on stop (re-adoption); kill its whole process group.
    try {
      if (agent?.pid) process.kill(-agent.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    if (dir) await stopNodePods(join(dir, 'data'));
    client?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers, runs pods on distinct loopback IPs, and reports the missing isolation', async () => {
    await waitFor(`node registered (agent output: ${out})`, async () => (await client.resource<Node>(NodeKind).get(NODE)) ?? undefined);
    for (const n of ['u1', 'u2']) {
      await client.resource<Pod>(PodKind).create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: 'default' }, spec: { nodeName: NODE, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'id -u; sleep 300'], env: [{ name: 'SKIFF_E2E_MARK', value: dir }] }] } } as Pod);
    }
    const ips = await waitFor('pods running', async () => {
      const ps = await Promise.all(['u1', 'u2'].map((n) => client.resource<Pod>(PodKind).get(n, { namespace: 'default' })));
      return ps.every((p) => p.status?.phase === 'Running') ? ps.map((p) => p.status?.podIP ?? '') : undefined;
    });
    for (const ip of ips) assert.match(ip, /^127\./);
    assert.notEqual(ips[0], ips[1]);
    const ev = await waitFor('isolation event', async () => (await client.resource<Event>(EventKind).list({ namespace: 'default' })).items.find((e) => e.reason === 'IsolationUnavailable' && e.involvedObject?.name === NODE));
    assert.equal(ev.type, 'Warning');
    assert.match(ev.message ?? '', /no cgroup/);
    if (isRoot && hasSetpriv) {
      // The containers run as the agent's (unprivileged) user.
      const ps = spawnSync('ps', ['-o', 'uid=', '-C', 'sleep']).stdout.toString();
      assert.match(ps, /65534/);
    }
  });
});
