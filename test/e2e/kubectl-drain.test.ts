/**
 * `kubectl drain` against a PodDisruptionBudget, with the real kubectl and the disruption
 * controller: the budget's status says how many pods may go, eviction spends from it, and
 * a drain the budget blocks gives up at its --timeout (an eviction answered 429 with a
 * Retry-After made client-go retry inside each call, and drain --timeout 20s took 1m45s).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlMissing } from './support/kubectl.js';
import { markPodsReady, startCluster, waitFor, type TestCluster } from '../../src/controllers/test-support.js';

const NODE = 'drain-node';
let c: TestCluster;
let ready: { stop(): Promise<void> } | undefined;

const pdbStatus = async (): Promise<{ disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number }> =>
  JSON.parse(await c.kk(['get', 'pdb', 'db', '-n', 'drain', '-o', 'json'])).status ?? {};

describe('kubectl drain and PodDisruptionBudgets', { skip: kubectlMissing(), timeout: 180_000 }, () => {
  before(async () => {
    c = await startCluster({ controllers: ['disruption'] });
    await c.kk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } }));
    await c.kk(['create', 'namespace', 'drain']);
    ready = markPodsReady(c.client, 'drain');
    for (const name of ['db-0', 'db-1']) {
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'drain', labels: { app: 'db' } }, spec: { nodeName: NODE, containers: [{ name: 'c', image: 'db' }] } };
      await c.kk(['apply', '-f', '-'], JSON.stringify(pod));
    }
    await c.kk(['create', 'pdb', 'db', '-n', 'drain', '--selector=app=db', '--min-available=2']);
  });
  after(async () => {
    await ready?.stop();
    await c?.stop();
  });

  it('the status counts the healthy pods; a blocked drain stops at --timeout with the budget named', async () => {
    await waitFor('PDB status', async () => {
      const s = await pdbStatus();
      return s.currentHealthy === 2 && s.desiredHealthy === 2 ? s : undefined;
    });
    assert.equal((await pdbStatus()).disruptionsAllowed, 0);
    const started = Date.now();
    const r = await c.k(['drain', NODE, '--force', '--ignore-daemonsets', '--timeout=6s']);
    const tookMs = Date.now() - started;
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.ok(tookMs < 25_000, `drain gave up after ${tookMs} ms (--timeout=6s)`);
    assert.equal(JSON.parse(await c.kk(['get', 'pods', '-n', 'drain', '-o', 'json'])).items.length, 2);
  });

  it('with room for one disruption, eviction spends it: one pod goes, the other stays', async () => {
    await c.kk(['patch', 'pdb', 'db', '-n', 'drain', '--type=merge', '-p', '{"spec":{"minAvailable":1}}']);
    await waitFor('one disruption allowed', async () => ((await pdbStatus()).disruptionsAllowed === 1 ? true : undefined));
    const evict = (pod: string) => c.k(['create', '--raw', `/api/v1/namespaces/drain/pods/${pod}/eviction`, '-f', '-'], JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod, namespace: 'drain' } }));
    const [a, b] = await Promise.all([evict('db-0'), evict('db-1')]);
    const codes = [a.code, b.code].sort();
    assert.deepEqual(codes, [0, 1], `${a.stderr}${b.stderr}`);
    assert.match(a.stderr + b.stderr, /disruption budget/);
  });
});
