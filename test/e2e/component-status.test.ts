/**
 * e2e: `kubectl get componentstatuses` (`cs`) with the real kubectl against `skiff server`:
 * with the embedded components all three are Healthy; without them scheduler and
 * controller-manager are Unhealthy. Every answer carries the deprecation warning.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cells, kubectlHarnessFor, type KubectlHarness } from '../../src/apiserver/resources/kubectl-harness.js';
import { kubectlMissing, startTestServer, waitFor } from './support/index.js';

const KUBECTL = '/usr/bin/kubectl';
const WARNING = 'Warning: v1 ComponentStatus is deprecated in v1.19+';
const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-cs-cache-'));
const stops: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const s of stops) await s();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function harness(components: boolean): Promise<KubectlHarness> {
  const server = await startTestServer({ components });
  const h = kubectlHarnessFor(server);
  stops.push(() => h.stop());
  return h;
}

function run(h: KubectlHarness, args: string[]) {
  return h.kubectl(['--kubeconfig', h.kubeconfigPath, '--cache-dir', join(cacheDir, String(h.url.split(':').pop())), ...args], { binary: KUBECTL });
}

test('kubectl get cs: all Healthy with the embedded components, with the deprecation warning', { skip: kubectlMissing() }, async () => {
  const h = await harness(true);
  const r = await waitFor('every component Healthy', async () => {
    const got = await run(h, ['get', 'cs']);
    return got.code === 0 && cells(got.stdout).filter((l) => / Healthy ok$/.test(l)).length === 3 ? got : undefined;
  }, 30_000);
  assert.deepEqual(cells(r.stdout), ['NAME STATUS MESSAGE ERROR', 'scheduler Healthy ok', 'controller-manager Healthy ok', 'etcd-0 Healthy ok']);
  assert.match(r.stderr, new RegExp(WARNING.replace(/[.+]/g, '\\$&')));
  const one = await run(h, ['get', 'componentstatus', 'etcd-0', '-o', 'json']);
  assert.equal(one.code, 0, one.stderr);
  const obj = JSON.parse(one.stdout);
  assert.equal(obj.kind, 'ComponentStatus');
  assert.equal(obj.metadata.name, 'etcd-0');
  assert.deepEqual(obj.conditions, [{ type: 'Healthy', status: 'True', message: 'ok' }]);
  const missing = await run(h, ['get', 'cs', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /componentstatuses "nope" not found/);
});

test('kubectl get cs: scheduler and controller-manager Unhealthy without components', { skip: kubectlMissing() }, async () => {
  const h = await harness(false);
  const r = await run(h, ['get', 'cs']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /v1 ComponentStatus is deprecated in v1\.19\+/);
  const rows = cells(r.stdout);
  assert.equal(rows[0], 'NAME STATUS MESSAGE ERROR');
  assert.match(rows[1] ?? '', /^scheduler Unhealthy not running: no Lease kube-system\/kube-scheduler$/);
  assert.match(rows[2] ?? '', /^controller-manager Unhealthy not running: no Lease kube-system\/kube-controller-manager$/);
  assert.equal(rows[3], 'etcd-0 Healthy ok');
  const list = JSON.parse((await run(h, ['get', 'cs', '-o', 'json'])).stdout);
  assert.deepEqual(list.items.map((i: { metadata: { name: string }; conditions: Array<{ status: string }> }) => `${i.metadata.name}=${i.conditions[0]?.status}`), ['scheduler=False', 'controller-manager=False', 'etcd-0=True']);
});
