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
  // Go's %#v of the []string value, as upstream's field error prints it.
  assert.equal(taken.body.message, `Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"${[...ips][0]}"}: failed to allocate IP ${[...ips][0]}: provided IP is already allocated`);
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

test('ipFamilyPolicy and ipFamilies are defaulted as on a single-stack IPv4 cluster; dual stack and IPv6 are refused', async () => {
  const families = async (name: string, spec: Record<string, unknown>) => {
    const r = await h.req('POST', S, svc(name, spec));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return [r.body.spec.ipFamilyPolicy, r.body.spec.ipFamilies];
  };
  assert.deepEqual(await families('fam-cip', { selector: { app: 'x' } }), ['SingleStack', ['IPv4']]);
  assert.deepEqual(await families('fam-headless', { clusterIP: 'None', selector: { app: 'x' } }), ['SingleStack', ['IPv4']]);
  // Headless without a selector only lists endpoints someone else writes: any family.
  assert.deepEqual(await families('fam-endpoints', { clusterIP: 'None' }), ['RequireDualStack', ['IPv4', 'IPv6']]);
  assert.deepEqual(await families('fam-prefer', { ipFamilyPolicy: 'PreferDualStack' }), ['PreferDualStack', ['IPv4']]);
  const ext = await h.req('POST', S, { metadata: { name: 'fam-ext' }, spec: { type: 'ExternalName', externalName: 'example.test' } });
  assert.equal(ext.body.spec.ipFamilies, undefined);
  const dual = await h.req('POST', S, svc('fam-dual', { ipFamilyPolicy: 'RequireDualStack' }));
  assert.equal(dual.status, 422);
  assert.equal(dual.body.message, 'Service "fam-dual" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
  const v6 = await h.req('POST', S, svc('fam-v6', { ipFamilies: ['IPv6'] }));
  assert.equal(v6.status, 422);
  assert.match(v6.body.message, /spec\.ipFamilies\[0\]: Invalid value: "IPv6": not configured on this cluster/);
  // An update that leaves them out keeps them.
  const cur = await h.req('GET', `${S}/fam-cip`);
  const u = await h.req('PUT', `${S}/fam-cip`, { ...cur.body, spec: { ...cur.body.spec, ipFamilies: undefined, ipFamilyPolicy: undefined } });
  assert.deepEqual([u.body.spec.ipFamilyPolicy, u.body.spec.ipFamilies], ['SingleStack', ['IPv4']]);
});
