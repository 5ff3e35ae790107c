import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const W = '/apis/example.com/v1/namespaces/default/widgets';
const P = '/api/v1/namespaces/default/pods';
const merge = { 'content-type': 'application/merge-patch+json' };

test('scale: get, merge patch, PUT with stale resourceVersion', async () => {
  await h.req('POST', W, { metadata: { name: 'sc' }, spec: { replicas: 1 } });
  const g = await h.req('GET', `${W}/sc/scale`);
  assert.equal(g.status, 200);
  assert.equal(g.body.kind, 'Scale');
  assert.equal(g.body.apiVersion, 'autoscaling/v1');
  assert.deepEqual(g.body.spec, { replicas: 1 });
  const p = await h.req('PATCH', `${W}/sc/scale`, { spec: { replicas: 3 } }, merge);
  assert.equal(p.status, 200);
  assert.equal(p.body.spec.replicas, 3);
  const obj = await h.req('GET', `${W}/sc`);
  assert.equal(obj.body.spec.replicas, 3);
  assert.equal(obj.body.metadata.generation, 2);
  const stale = await h.req('PUT', `${W}/sc/scale`, { ...g.body, spec: { replicas: 2 } });
  assert.equal(stale.status, 409);
  const ok = await h.req('PUT', `${W}/sc/scale`, { ...p.body, spec: { replicas: 2 } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.spec.replicas, 2);
  const neg = await h.req('PATCH', `${W}/sc/scale`, { spec: { replicas: -1 } }, merge);
  assert.equal(neg.status, 422);
  assert.equal((await h.req('GET', `${W}/nope/scale`)).status, 404);
});

test('binding sets nodeName once; a second bind is 409', async () => {
  await h.req('POST', P, { metadata: { name: 'b1' }, spec: { containers: [] } });
  const b = await h.req('POST', `${P}/b1/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b1' }, target: { kind: 'Node', name: 'node-a' } });
  assert.equal(b.status, 201);
  const pod = await h.req('GET', `${P}/b1`);
  assert.equal(pod.body.spec.nodeName, 'node-a');
  assert.equal(pod.body.status.conditions[0].type, 'PodScheduled');
  const again = await h.req('POST', `${P}/b1/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b1' }, target: { kind: 'Node', name: 'node-b' } });
  assert.equal(again.status, 409);
  assert.equal(again.body.message, 'Operation cannot be fulfilled on pods/binding "b1": pod b1 is already assigned to node "node-a"');
});

test('graceful pod deletion: scheduled pods wait for grace 0, unscheduled go at once', async () => {
  await h.req('POST', P, { metadata: { name: 'g1' }, spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 } });
  const d = await h.req('DELETE', `${P}/g1`);
  assert.equal(d.status, 200);
  assert.equal(d.body.metadata.deletionGracePeriodSeconds, 30);
  assert.ok(d.body.metadata.deletionTimestamp);
  assert.equal((await h.req('GET', `${P}/g1`)).status, 200);
  const now = await h.req('DELETE', `${P}/g1`, { gracePeriodSeconds: 0 });
  assert.equal(now.status, 200);
  assert.equal((await h.req('GET', `${P}/g1`)).status, 404);
  await h.req('POST', P, { metadata: { name: 'g2' }, spec: {} });
  await h.req('DELETE', `${P}/g2`);
  assert.equal((await h.req('GET', `${P}/g2`)).status, 404);
});

test('eviction spends a disruption from the PodDisruptionBudget status (429 when none is left) and deletes otherwise', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'ev' } });
  const EP = '/api/v1/namespaces/ev/pods';
  const PDB = '/apis/policy/v1/namespaces/ev/poddisruptionbudgets/db-pdb';
  const ready = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
  for (const n of ['e1', 'e2', 'e3']) {
    await h.req('POST', EP, { metadata: { name: n, labels: { app: 'db' } }, spec: {} });
    await h.req('PATCH', `${EP}/${n}/status`, n === 'e3' ? { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } } : ready, merge);
  }
  const pdb = await h.req('POST', '/apis/policy/v1/namespaces/ev/poddisruptionbudgets', {
    metadata: { name: 'db-pdb' },
    spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
  });
  assert.equal(pdb.status, 201, JSON.stringify(pdb.body));
  const ev = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'ev' } });
  // Not yet looked at by the disruption controller: no status for this generation.
  const unseen = await h.req('POST', `${EP}/e1/eviction`, ev('e1'));
  assert.equal(unseen.status, 429);
  assert.deepEqual(unseen.body.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget db-pdb is still being processed by the server.' }]);
  const setStatus = (disruptionsAllowed: number) =>
    h.req('PATCH', `${PDB}/status`, { status: { observedGeneration: 1, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed } }, merge);
  await setStatus(0);
  const denied = await h.req('POST', `${EP}/e1/eviction`, ev('e1'));
  assert.equal(denied.status, 429);
  assert.equal(denied.body.reason, 'TooManyRequests');
  assert.equal(denied.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  // No Retry-After (upstream sends none: a client-go retry loop inside the call would outlast kubectl drain --timeout).
  assert.equal(denied.headers.get('retry-after'), null);
  assert.equal(denied.body.details.retryAfterSeconds, undefined);
  assert.deepEqual(denied.body.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget db-pdb needs 2 healthy pods and has 2 currently' }]);
  // An unready pod goes without spending anything while the budget is healthy.
  assert.equal((await h.req('POST', `${EP}/e3/eviction`, ev('e3'))).status, 201);
  await setStatus(1);
  const ok = await h.req('POST', `${EP}/e1/eviction`, ev('e1'));
  assert.equal(ok.status, 201);
  assert.equal((await h.req('GET', `${EP}/e1`)).status, 404);
  const spent = (await h.req('GET', PDB)).body.status;
  assert.equal(spent.disruptionsAllowed, 0);
  assert.deepEqual(Object.keys(spent.disruptedPods), ['e1']);
  assert.deepEqual(spent.conditions.map((c: { type: string; status: string; reason: string }) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'False', 'InsufficientPods']]);
  // The disruption is spent: the next eviction waits for the controller.
  assert.equal((await h.req('POST', `${EP}/e2/eviction`, ev('e2'))).status, 429);
});

test('namespace deletion waits for spec.finalizers (Terminating) until /finalize empties them', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' }, spec: { finalizers: ['kubernetes'] } });
  const d = await h.req('DELETE', '/api/v1/namespaces/doomed');
  assert.equal(d.status, 200);
  assert.equal(d.body.status.phase, 'Terminating');
  const fin = await h.req('PUT', '/api/v1/namespaces/doomed/finalize', { ...d.body, spec: { finalizers: [] } });
  assert.equal(fin.status, 200);
  assert.equal((await h.req('GET', '/api/v1/namespaces/doomed')).status, 404);
});

test('SelfSubjectAccessReview is answered, not stored', async () => {
  // registered only when the real authorization kinds are in the registry
  const { SelfSubjectAccessReviewKind } = await import('../../api/authorization/v1/index.js');
  const local = await startHarness({ kinds: [SelfSubjectAccessReviewKind] });
  try {
    const r = await local.req('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.status.allowed, true);
  } finally {
    await local.close();
  }
});
