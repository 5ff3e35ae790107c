/**
 * Service allocation across type changes and the LoadBalancer extras: a NodePort Service
 * patched back to ClusterIP loses its node ports (and frees them, once the grace period
 * passed), LoadBalancer + externalTrafficPolicy Local gets a healthCheckNodePort,
 * allocateLoadBalancerNodePorts false gets no node ports. The clock is injected.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceKind } from '../../api/core/v1/index.js';
import { startHarness, type Harness } from '../resources/test-kinds.js';

let h: Harness;
let clock = Date.parse('2026-01-01T00:00:00Z');
before(async () => {
  h = await startHarness({ kinds: [ServiceKind], layer: { serviceCidr: '198.18.2.0/24', nodePortRange: [30000, 30001], now: () => new Date(clock) } });
});
after(async () => {
  await h.close();
});

const S = '/api/v1/namespaces/default/services';
const MERGE = { 'content-type': 'application/merge-patch+json' };
const create = (name: string, spec: Record<string, unknown>) => h.req('POST', S, { metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });

test('NodePort → ClusterIP by patching only the type drops the node port and externalTrafficPolicy; the port is reclaimed later', async () => {
  const np = await create('tc', { type: 'NodePort' });
  assert.equal(np.status, 201, JSON.stringify(np.body));
  const port = np.body.spec.ports[0].nodePort as number;
  const back = await h.req('PATCH', `${S}/tc`, { spec: { type: 'ClusterIP' } }, MERGE);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.spec.ports[0].nodePort, undefined);
  assert.equal(back.body.spec.externalTrafficPolicy, undefined);
  assert.equal(back.body.spec.clusterIP, np.body.spec.clusterIP, 'the ClusterIP stays');
  // A node port the user adds while changing the type is not silently dropped: validation speaks.
  await h.req('PATCH', `${S}/tc`, { spec: { type: 'NodePort' } }, MERGE);
  const cur = (await h.req('GET', `${S}/tc`)).body;
  const other = cur.spec.ports[0].nodePort === 30000 ? 30001 : 30000;
  const bad = await h.req('PATCH', `${S}/tc`, { spec: { type: 'ClusterIP', ports: [{ port: 80, nodePort: other }] } }, MERGE);
  assert.equal(bad.status, 422);
  assert.match(bad.body.message, /spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/);
  await h.req('PATCH', `${S}/tc`, { spec: { type: 'ClusterIP' } }, MERGE);
  // Both ports were held by tc at some point; it uses neither now. After the grace period another service gets them.
  clock += 120_000;
  const a = await create('np-a', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  await h.req('DELETE', `${S}/np-a`);
});

test('LoadBalancer → ClusterIP drops allocateLoadBalancerNodePorts and the load-balancer status too', async () => {
  clock += 120_000;
  const lb = await create('lb-back', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false });
  assert.equal(lb.status, 201, JSON.stringify(lb.body));
  assert.equal(lb.body.spec.ports[0].nodePort, undefined, 'allocateLoadBalancerNodePorts: false → no node port');
  const st = await h.req('PATCH', `${S}/lb-back/status`, { status: { loadBalancer: { ingress: [{ ip: '198.18.9.9' }] } } }, MERGE);
  assert.equal(st.status, 200, JSON.stringify(st.body));
  const back = await h.req('PATCH', `${S}/lb-back`, { spec: { type: 'ClusterIP' } }, MERGE);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.spec.allocateLoadBalancerNodePorts, undefined);
  assert.deepEqual(back.body.status?.loadBalancer ?? {}, {});
  await h.req('DELETE', `${S}/lb-back`);
});

test('LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort, kept across updates, dropped with Cluster', async () => {
  clock += 120_000;
  const lb = await create('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
  assert.equal(lb.status, 201, JSON.stringify(lb.body));
  const hc = lb.body.spec.healthCheckNodePort as number;
  assert.ok(hc >= 30000 && hc <= 30001, `healthCheckNodePort ${hc}`);
  assert.notEqual(hc, lb.body.spec.ports[0].nodePort);
  const same = await h.req('PATCH', `${S}/lb-local`, { metadata: { labels: { a: 'b' } } }, MERGE);
  assert.equal(same.body.spec.healthCheckNodePort, hc);
  const moved = await h.req('PATCH', `${S}/lb-local`, { spec: { healthCheckNodePort: hc === 30000 ? 30001 : 30000 } }, MERGE);
  assert.equal(moved.status, 422);
  assert.match(moved.body.message, /spec\.healthCheckNodePort: Forbidden: field is immutable/);
  const cluster = await h.req('PATCH', `${S}/lb-local`, { spec: { externalTrafficPolicy: 'Cluster' } }, MERGE);
  assert.equal(cluster.status, 200, JSON.stringify(cluster.body));
  assert.equal(cluster.body.spec.healthCheckNodePort, undefined);
});
