/** `skiff controller-manager` as a command: --help, leader election on the kube-controller-manager Lease, clean SIGTERM. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './support/index.js';
import { spawnControllerManager, startCluster, waitFor, type TestCluster } from '../../src/controllers/test-support.js';

let c: TestCluster;

describe('controllers e2e: skiff controller-manager', { timeout: 120_000 }, () => {
  before(async () => {
    c = await startCluster({ manager: false });
  });
  after(async () => {
    await c?.stop();
  });

  it('--help lists the flags, the controllers and an example', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts'), 'controller-manager', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0);
    for (const s of ['--kubeconfig', '--leader-elect', '--controllers', '--terminated-pod-gc-threshold', 'Examples:', 'garbage-collector']) assert.ok(r.stdout.includes(s), `help mentions ${s}`);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts'), 'controller-manager', '--kubeconfig', c.server.kubeconfigPath, '--controllers=nope'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown controller "nope"/);
  });

  it('takes the kube-system/kube-controller-manager Lease, runs the controllers, releases it on SIGTERM', async () => {
    const cm = spawnControllerManager(c.server.kubeconfigPath, ['--leader-elect=true']);
    try {
      await waitFor('controllers running', () => cm.output().includes('controllers running'), 60_000);
      const lease = JSON.parse(await c.kk(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'json']));
      assert.ok(lease.spec.holderIdentity);
      await c.kk(['create', 'deployment', 'cli', '--image=nginx', '--replicas=2']);
      await waitFor('2 pods from the child controller manager', async () => JSON.parse(await c.kk(['get', 'pods', '-l', 'app=cli', '-o', 'json'])).items.length === 2);
      await cm.kill('SIGTERM');
      assert.equal(cm.child.exitCode, 0, cm.output().slice(-2000));
      assert.match(cm.output(), /SIGTERM, shutting down/);
      const released = JSON.parse(await c.kk(['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'json']));
      assert.ok(!released.spec.holderIdentity, 'lease released for a successor');
    } finally {
      await cm.kill('SIGKILL');
    }
  });
});
