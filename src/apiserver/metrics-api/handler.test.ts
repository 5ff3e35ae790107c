import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Quantity } from '../../machinery/quantity.js';
import { metricsV1beta1Kinds } from '../../api/metrics/v1beta1/index.js';
import { formatResourceMetrics } from '../../kubelet/resource-metrics.js';
import { startHarness, type Harness } from '../resources/test-kinds.js';

/** A stand-in kubelet whose counters grow by 0.5 core-seconds per real second (web) and 2 (node). */
let kubelet: Server;
let scrapes = 0;
let h: Harness;
const started = Date.now();

before(async () => {
  kubelet = createServer((req, res) => {
    if (req.url !== '/metrics/resource') return void res.writeHead(404).end();
    scrapes++;
    const t = Date.now();
    const s = (t - started) / 1000;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(
      formatResourceMetrics({
        node: { cpuSeconds: { timestampMs: t, value: 1000 + 2 * s }, workingSetBytes: { timestampMs: t, value: 512 * 1024 * 1024 } },
        pods: [
          { namespace: 'default', name: 'web', containers: [{ name: 'main', startTimeSeconds: 1, cpuSeconds: { timestampMs: t, value: 0.5 * s }, workingSetBytes: { timestampMs: t, value: 10 * 1024 * 1024 } }] },
          { namespace: 'default', name: 'gone', containers: [{ name: 'main', cpuSeconds: { timestampMs: t, value: 1 }, workingSetBytes: { timestampMs: t, value: 1 } }] },
        ],
        error: false,
      }),
    );
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as AddressInfo).port;
  h = await startHarness({ kubelet: { scheme: 'http' }, kinds: [...metricsV1beta1Kinds], layer: { metrics: { minWindowMs: 300 } } });
  const ready = [{ type: 'Ready', status: 'True' }];
  const node = await h.req('POST', '/api/v1/nodes', { metadata: { name: 'n1', labels: { zone: 'a' } }, status: { conditions: ready, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } });
  assert.equal(node.status, 201, JSON.stringify(node.body));
  // A node without a kubelet endpoint (simulated) is not scraped.
  await h.req('POST', '/api/v1/nodes', { metadata: { name: 'sim' }, status: { conditions: ready, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
  await h.req('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'web', labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'main' }] } });
  await h.req('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'other', labels: { app: 'other' } }, spec: { nodeName: 'n1', containers: [{ name: 'main' }] } });
});

after(async () => {
  await h.close();
  kubelet.closeAllConnections();
  await new Promise<void>((r) => kubelet.close(() => r()));
});

test('the first request scrapes twice a window apart; NodeMetrics as metrics-server shapes it', async () => {
  const r = await h.req('GET', '/apis/metrics.k8s.io/v1beta1/nodes');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(scrapes, 2);
  assert.equal(r.body.kind, 'NodeMetricsList');
  assert.equal(r.body.apiVersion, 'metrics.k8s.io/v1beta1');
  assert.deepEqual(r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['n1']);
  const n = r.body.items[0];
  assert.deepEqual(n.metadata.labels, { zone: 'a' });
  assert.match(n.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(n.window, /^\d+(\.\d+)?s$|^\d+ms$/);
  assert.equal(n.usage.memory, '512Mi');
  const cores = Number(Quantity.parse(n.usage.cpu).nanos) / 1e9;
  assert.ok(Math.abs(cores - 2) < 0.1, `node CPU ${n.usage.cpu} is about 2 cores`);
  const got = await h.req('GET', '/apis/metrics.k8s.io/v1beta1/nodes/n1');
  assert.equal(got.body.kind, 'NodeMetrics');
  assert.equal((await h.req('GET', '/apis/metrics.k8s.io/v1beta1/nodes/sim')).status, 404);
});

test('PodMetrics: get, list in a namespace and across them, label selectors; pods without figures are left out', async () => {
  const list = await h.req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.kind, 'PodMetricsList');
  assert.deepEqual(list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['web']);
  const web = list.body.items[0];
  assert.deepEqual(web.metadata.labels, { app: 'web' });
  assert.equal(web.metadata.namespace, 'default');
  assert.equal(web.containers[0].name, 'main');
  assert.equal(web.containers[0].usage.memory, '10Mi');
  const cpu = web.containers[0].usage.cpu as string;
  const nano = Number(Quantity.parse(cpu).nanos);
  assert.ok(Math.abs(nano / 1e9 - 0.5) < 0.05, `web CPU ${cpu} is about 500m`);
  const all = await h.req('GET', '/apis/metrics.k8s.io/v1beta1/pods');
  assert.deepEqual(all.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['web']);
  const none = await h.req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dother');
  assert.deepEqual(none.body.items, []);
  assert.equal((await h.req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web')).body.kind, 'PodMetrics');
  const missing = await h.req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/other');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.reason, 'NotFound');
  assert.equal((await h.req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=%3D%3D')).status, 400);
});

test('read-only, and Tables for kubectl get', async () => {
  assert.equal((await h.req('DELETE', '/apis/metrics.k8s.io/v1beta1/nodes/n1')).status, 405);
  assert.equal((await h.req('GET', '/apis/metrics.k8s.io/v1beta1/nodes?watch=true')).status, 405);
  const table = await h.req('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  assert.equal(table.body.kind, 'Table');
  assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'CPU', 'Memory', 'Window']);
  assert.equal(table.body.rows[0].cells[0], 'web');
  assert.equal(table.body.rows[0].cells[2], '10Mi');
});
