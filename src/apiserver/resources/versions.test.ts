/**
 * A kind served in two versions (HorizontalPodAutoscaler: autoscaling/v2 stored,
 * autoscaling/v1 converted) through every verb: one stored form, each client in its version.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HorizontalPodAutoscalerKind as V1 } from '../../api/autoscaling/v1/index.js';
import { HorizontalPodAutoscalerKind as V2 } from '../../api/autoscaling/v2/index.js';
import { METRIC_SPECS_ANNOTATION, BEHAVIOR_ANNOTATION } from '../../api/autoscaling/v1/annotations.js';
import { startHarness, type Harness } from './test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness({ kinds: [V1, V2] });
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'default' } });
});
after(async () => h?.close());

const V1_PATH = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
const V2_PATH = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';

const memoryHpa = (name: string) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    maxReplicas: 4,
    metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '0.5Gi' } } }],
    behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
  },
});

/** Reads a watch until `done` says so (or the deadline), returning the events seen. */
async function watchUntil(path: string, done: (events: any[]) => boolean, trigger: () => Promise<void>): Promise<any[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 10_000);
  const events: any[] = [];
  try {
    const r = await fetch(h.url + path, { signal: ac.signal });
    const reader = r.body!.getReader();
    let buf = '';
    let triggered = false;
    for (;;) {
      if (!triggered) {
        triggered = true;
        await trigger();
      }
      const { value, done: end } = await reader.read();
      if (end) break;
      buf += Buffer.from(value).toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
      if (done(events)) break;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

test('stored once as v2 (defaulted), read in both versions; v1 carries the v2-only fields in annotations', async () => {
  const created = await h.req('POST', V2_PATH, memoryHpa('mem'));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.apiVersion, 'autoscaling/v2');
  assert.equal(created.body.spec.metrics[0].resource.target.averageValue, '512Mi', 'normalized');
  assert.equal(created.body.spec.behavior.scaleUp.selectPolicy, 'Max', 'behavior defaults');
  const raw = JSON.parse(Buffer.from((await h.store.get('/registry/autoscaling/horizontalpodautoscalers/default/mem'))!.value).toString());
  assert.equal(raw.apiVersion, 'autoscaling/v2');

  const v1 = await h.req('GET', `${V1_PATH}/mem`);
  assert.equal(v1.status, 200);
  assert.equal(v1.body.apiVersion, 'autoscaling/v1');
  assert.equal(v1.body.spec.targetCPUUtilizationPercentage, undefined);
  assert.equal(v1.body.metadata.annotations[METRIC_SPECS_ANNOTATION], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"512Mi"}}]');
  assert.match(v1.body.metadata.annotations[BEHAVIOR_ANNOTATION], /"ScaleDown":\{"StabilizationWindowSeconds":30,"SelectPolicy":"Max"/);
  // From the cache (resourceVersion=0) and in lists alike.
  assert.deepEqual((await h.req('GET', `${V1_PATH}/mem?resourceVersion=0`)).body, v1.body);
  const list = await h.req('GET', V1_PATH);
  assert.equal(list.body.kind, 'HorizontalPodAutoscalerList');
  assert.equal(list.body.apiVersion, 'autoscaling/v1');
  assert.deepEqual(list.body.items.find((i: any) => i.metadata.name === 'mem'), v1.body);
  const table = await h.req('GET', V1_PATH, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  assert.deepEqual(table.body.rows[0].cells.slice(0, 3), ['mem', 'Deployment/web', 'memory: <unknown>/512Mi']);

  // A v1 client's read-modify-write keeps what only v2 can say.
  const edited = { ...v1.body, spec: { ...v1.body.spec, maxReplicas: 6 } };
  const put = await h.req('PUT', `${V1_PATH}/mem`, edited);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const back = (await h.req('GET', `${V2_PATH}/mem`)).body;
  assert.equal(back.spec.maxReplicas, 6);
  assert.deepEqual(back.spec.metrics, created.body.spec.metrics);
  assert.deepEqual(back.spec.behavior, created.body.spec.behavior);
  assert.equal(back.metadata.annotations, undefined, 'round-trip annotations are not stored');
  // managedFields name the version each manager wrote in.
  assert.deepEqual(back.metadata.managedFields.map((m: any) => m.apiVersion), ['autoscaling/v2', 'autoscaling/v1']);
});

test('a v1 patch applies to the v1 view; a v1 create gets the 80 % CPU default', async () => {
  const patched = await h.req('PATCH', `${V1_PATH}/mem`, { spec: { targetCPUUtilizationPercentage: 60 } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.spec.targetCPUUtilizationPercentage, 60);
  const v2 = (await h.req('GET', `${V2_PATH}/mem`)).body;
  assert.deepEqual(v2.spec.metrics.map((m: any) => `${m.resource.name}:${m.resource.target.type}`), ['memory:AverageValue', 'cpu:Utilization']);

  const created = await h.req('POST', V1_PATH, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'plain' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 2 } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.spec, { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 80 });
  assert.deepEqual(created.body.status, { currentReplicas: 0, desiredReplicas: 0 });
  assert.deepEqual((await h.req('GET', `${V2_PATH}/plain`)).body.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  // Validation runs on the stored form, as upstream reports it to v1 clients.
  const bad = await h.req('POST', V1_PATH, { metadata: { name: 'bad' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 2, targetCPUUtilizationPercentage: 0 } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.details.causes[0].field, 'spec.metrics[0].resource.target.averageUtilization');
});

test('a v1 watch sees a change made through v2, in v1; a v2 watch in v2', async () => {
  const rv = (await h.req('GET', `${V2_PATH}/mem`)).body.metadata.resourceVersion;
  const update = async () => {
    const cur = (await h.req('GET', `${V2_PATH}/mem`)).body;
    cur.status = { currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '100Mi' } } }] };
    const r = await h.req('PUT', `${V2_PATH}/mem/status`, cur);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const [v1Events, v2Events] = await Promise.all([
    watchUntil(`${V1_PATH}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dmem`, (e) => e.length >= 1, update),
    watchUntil(`${V2_PATH}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dmem`, (e) => e.length >= 1, async () => {}),
  ]);
  assert.equal(v1Events[0].type, 'MODIFIED');
  assert.equal(v1Events[0].object.apiVersion, 'autoscaling/v1');
  assert.equal(v1Events[0].object.status.currentReplicas, 1);
  assert.match(v1Events[0].object.metadata.annotations['autoscaling.alpha.kubernetes.io/current-metrics'], /"currentAverageValue":"100Mi"/);
  assert.equal(v2Events[0].object.apiVersion, 'autoscaling/v2');
  assert.equal(v2Events[0].object.status.currentMetrics[0].resource.current.averageValue, '100Mi');
  // The initial state of a v1 watch (no resourceVersion) is in v1 too.
  const initial = await watchUntil(`${V1_PATH}?watch=true`, (e) => e.length >= 2, async () => {});
  assert.deepEqual(initial.map((e) => [e.type, e.object.apiVersion]), [['ADDED', 'autoscaling/v1'], ['ADDED', 'autoscaling/v1']]);
});

test('an object stored in v1 before v2 became the storage version is served in both', async () => {
  const legacy = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old', namespace: 'default', uid: 'u-old' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 70 }, status: { currentReplicas: 0, desiredReplicas: 0 } };
  await h.store.create('/registry/autoscaling/horizontalpodautoscalers/default/old', new TextEncoder().encode(JSON.stringify(legacy)));
  const v2 = await h.req('GET', `${V2_PATH}/old`);
  assert.equal(v2.body.apiVersion, 'autoscaling/v2');
  assert.deepEqual(v2.body.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  assert.equal((await h.req('GET', `${V1_PATH}/old?resourceVersion=0`)).body.spec.targetCPUUtilizationPercentage, 70);
  // Written back through v2 (a status update), it is stored as v2.
  const r = await h.req('PUT', `${V2_PATH}/old/status`, { ...v2.body, status: { currentReplicas: 1, desiredReplicas: 1 } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const raw = JSON.parse(Buffer.from((await h.store.get('/registry/autoscaling/horizontalpodautoscalers/default/old'))!.value).toString());
  assert.equal(raw.apiVersion, 'autoscaling/v2');
  assert.equal(raw.spec.metrics[0].resource.target.averageUtilization, 70);
});
