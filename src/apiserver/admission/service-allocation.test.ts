import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceKind } from '../../api/core/v1/index.js';
import { startHarness, type Harness } from '../resources/test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness({ kinds: [ServiceKind], layer: { serviceCidr: '198.18.0.0/29', nodePortRange: [30000, 30002] } });
});
after(async () => {
  await h.close();
});

const S = '/api/v1/namespaces/default/services';
const svc = (name: string, spec: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });

test('ClusterIPs come from the range, never twice; a full range is an error', async () => {
  const ips = new Set<string>();
  // /29: 8 addresses, minus network, the kubernetes service's .1 and broadcast = 5.
  for (let i = 0; i < 5; i++) {
    const r = await h.req('POST', S, svc(`s${i}`));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.spec.clusterIP, /^198\.18\.0\.[2-6]$/);
    assert.deepEqual(r.body.spec.clusterIPs, [r.body.spec.clusterIP]);
    ips.add(r.body.spec.clusterIP);
  }
  assert.equal(ips.size, 5);
  const full = await h.req('POST', S, svc('s5'));
  assert.equal(full.status, 500);
  assert.match(full.body.message, /range is full/);
  const headless = await h.req('POST', S, svc('hl', { clusterIP: 'None' }));
  assert.equal(headless.status, 201);
  assert.deepEqual(headless.body.spec.clusterIPs, ['None']);
  const taken = await h.req('POST', S, svc('dup', { clusterIP: [...ips][0] }));
  assert.equal(taken.status, 422);
  assert.match(taken.body.message, /provided IP is already allocated/);
  // The IP survives updates that do not mention it.
  const cur = await h.req('GET', `${S}/s0`);
  const u = await h.req('PUT', `${S}/s0`, { ...cur.body, spec: { ...cur.body.spec, clusterIP: undefined, clusterIPs: undefined } });
  assert.equal(u.status, 200, JSON.stringify(u.body));
  assert.equal(u.body.spec.clusterIP, cur.body.spec.clusterIP);
});

test('NodePorts are allocated per port, unique, and a requested one is reserved', async () => {
  // A fresh server with room for IPs (reservations of deleted services are only
  // reclaimed after a grace period).
  await h.close();
  h = await startHarness({ kinds: [ServiceKind], layer: { serviceCidr: '198.18.1.0/24', nodePortRange: [30000, 30002] } });
  const a = await h.req('POST', S, svc('np1', { type: 'NodePort', ports: [{ port: 80, name: 'a' }, { port: 81, name: 'b' }] }));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const ports = a.body.spec.ports.map((p: { nodePort: number }) => p.nodePort);
  assert.equal(new Set(ports).size, 2);
  for (const p of ports) assert.ok(p >= 30000 && p <= 30002);
  const free = [30000, 30001, 30002].find((p) => !ports.includes(p)) as number;
  const clash = await h.req('POST', S, svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] }));
  assert.equal(clash.status, 422);
  assert.match(clash.body.message, /provided port is already allocated/);
  const ok = await h.req('POST', S, svc('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: free }] }));
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const out = await h.req('POST', S, svc('np4', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] }));
  assert.equal(out.status, 422);
});
