import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from './test-support.js';
import { defaultPodNetwork } from './up.js';

test('pods get a bridge by default only as root with a service range they can reach through the node', () => {
  assert.equal(defaultPodNetwork(true, '198.19.0.0/16'), 'bridge');
  assert.equal(defaultPodNetwork(true, '198.19.0.0/16'), 'bridge');
  assert.equal(defaultPodNetwork(true, '127.43.0.0/16'), 'loopback', 'a loopback ClusterIP is unreachable from a pod namespace');
  assert.equal(defaultPodNetwork(false, '198.19.0.0/16'), 'loopback');
});

test('skiff up --pod-network takes bridge or loopback; skiff agent documents --pod-cidr', async () => {
  const bad = await runCli(['up', '--pod-network', 'flannel']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--pod-network <mode>' argument 'flannel' is invalid\. Allowed choices are bridge, loopback/);
  const flat = (await runCli(['up', '--help'])).out.replace(/\s+/g, ' ');
  assert.match(flat, /--pod-network <mode> bridge: each pod in its own network namespace/);
  assert.match(flat, /--pod-bridge <name> .*\(default: "skiffbr0"\)/);
  const agent = (await runCli(['agent', '--help'])).out.replace(/\s+/g, ' ');
  assert.match(agent, /--pod-cidr <cidr> this node's pod range \(root\)/);
});

const CLI = fileURLToPath(new URL('../../test/e2e/support/skiff-cli.ts', import.meta.url));
const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0 ? false : 'needs root and setpriv to run the CLI as an unprivileged user';

test('without root, skiff up --pod-network bridge and skiff agent --pod-cidr are refused', { skip: asNobody, timeout: 60_000 }, () => {
  const run = (args: string[]) => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: '/nonexistent' } });
  const up = run(['up', '--pod-network', 'bridge', '--data-dir', '/nonexistent/skiff']);
  assert.notEqual(up.status, 0);
  assert.match(up.stderr, /--pod-network bridge needs root/);
  const agent = run(['agent', '--pod-cidr', '198.18.64.0/24', '--data-dir', '/nonexistent/skiff']);
  assert.notEqual(agent.status, 0);
  assert.match(agent.stderr, /--pod-cidr needs root/);
});
