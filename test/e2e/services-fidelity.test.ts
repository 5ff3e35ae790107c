/**
 * e2e: Services as a Kubernetes user sees them through the real kubectl, compared with
 * what upstream does. Pods are created and given an IP and readiness through the status
 * subresource (no kubelet needed, nothing is sent anywhere); the controllers of
 * `skiff server` write EndpointSlices and Endpoints. Covers: changing a Service's type
 * back with `kubectl patch`, the healthCheckNodePort of LoadBalancer + Local, slices of
 * headless and publishNotReadyAddresses Services, ExternalName Services getting no
 * endpoints, and validation messages.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, waitFor, type TestServer } from './support/index.js';

describe('Service fidelity (kubectl)', { skip: kubectlMissing() }, () => {
  let server: TestServer;
  let k: (args: string[], stdin?: string) => ReturnType<typeof kubectl>;
  before(async () => {
    server = await startTestServer({ components: true, args: ['--service-cidr', '198.18.0.0/16', '--service-node-port-range', '30000-30099'] });
    const cacheDir = join(server.dataDir, 'kube-cache');
    k = (args, stdin) => kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir, ...(stdin !== undefined ? { stdin } : {}) });
  });
  after(async () => {
    await server?.stop();
  });

  const json = async (args: string[]) => {
    const r = await k([...args, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const apply = async (doc: unknown) => {
    const file = join(server.dataDir, `obj-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(doc));
    return k(['apply', '-f', file]);
  };
  /** A pod with a named port, then given an IP and a Ready condition as a kubelet would. */
  const readyPod = async (name: string, ip: string, ready: boolean, labels: Record<string, string>) => {
    const r = await apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'local/none', ports: [{ name: 'http', containerPort: 8080 }] }] } });
    assert.equal(r.code, 0, r.stderr);
    const status = { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } };
    const s = await k(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    assert.equal(s.code, 0, s.stderr);
  };

  it('kubectl patch back to ClusterIP drops the node port; LoadBalancer + Local gets a healthCheckNodePort', { timeout: 60_000 }, async () => {
    assert.equal((await k(['create', 'service', 'nodeport', 'tc', '--tcp=80:8080'])).code, 0);
    const np = await json(['get', 'svc', 'tc']);
    assert.ok(np.spec.ports[0].nodePort >= 30000);
    const back = await k(['patch', 'svc', 'tc', '-p', '{"spec":{"type":"ClusterIP"}}']);
    assert.equal(back.code, 0, back.stderr);
    const cip = await json(['get', 'svc', 'tc']);
    assert.equal(cip.spec.type, 'ClusterIP');
    assert.equal(cip.spec.ports[0].nodePort, undefined);
    assert.equal(cip.spec.externalTrafficPolicy, undefined);

    const lb = await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb-local' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'x' }, ports: [{ port: 18080 }] } });
    assert.equal(lb.code, 0, lb.stderr);
    const got = await json(['get', 'svc', 'lb-local']);
    assert.ok(got.spec.healthCheckNodePort >= 30000 && got.spec.healthCheckNodePort <= 30099, JSON.stringify(got.spec));
    assert.notEqual(got.spec.healthCheckNodePort, got.spec.ports[0].nodePort);
  });

  it('validation: duplicate node ports and a healthCheckNodePort without LoadBalancer + Local are refused', { timeout: 60_000 }, async () => {
    const dup = await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'dupnp' }, spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30050 }, { name: 'b', port: 81, nodePort: 30050 }] } });
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /spec\.ports\[1\]\.nodePort: Duplicate value: 30050/);
    const hc = await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'hcnp' }, spec: { type: 'NodePort', healthCheckNodePort: 30051, ports: [{ port: 80 }] } });
    assert.notEqual(hc.code, 0);
    assert.match(hc.stderr, /spec\.healthCheckNodePort: Invalid value: 30051: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'/);
  });

  it('EndpointSlices: headless label, serving follows readiness under publishNotReadyAddresses; ExternalName gets none', { timeout: 90_000 }, async () => {
    await readyPod('p-ready', '198.18.200.1', true, { app: 'web' });
    await readyPod('p-unready', '198.18.200.2', false, { app: 'web' });
    const hl = await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'hl' }, spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    assert.equal(hl.code, 0, hl.stderr);
    const ext = await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'alias' }, spec: { type: 'ExternalName', externalName: 'web.example', selector: { app: 'web' }, ports: [{ port: 80 }] } });
    assert.equal(ext.code, 0, ext.stderr);
    const slice = await waitFor('the slice of hl with both pods', async () => {
      const list = await json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=hl']);
      const s = list.items[0];
      return s?.endpoints?.length === 2 ? s : undefined;
    }, 30_000);
    assert.equal(slice.metadata.labels['service.kubernetes.io/headless'], '');
    const byPod = Object.fromEntries(slice.endpoints.map((e: { targetRef: { name: string } }) => [e.targetRef.name, e]));
    assert.deepEqual(byPod['p-unready'].conditions, { ready: true, serving: false, terminating: false });
    assert.deepEqual(byPod['p-ready'].conditions, { ready: true, serving: true, terminating: false });
    const eps = await json(['get', 'endpoints', 'hl']);
    assert.deepEqual(eps.subsets[0].addresses.map((a: { ip: string }) => a.ip), ['198.18.200.1', '198.18.200.2']);
    // The controllers have caught up with hl; the alias, created before it, has nothing.
    const aliasSlices = await json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=alias']);
    assert.deepEqual(aliasSlices.items, []);
    const aliasEndpoints = await k(['get', 'endpoints', 'alias']);
    assert.notEqual(aliasEndpoints.code, 0);
    assert.match(aliasEndpoints.stderr, /NotFound|not found/);
  });

  it('Endpoints of an unlabelled Service carry no empty labels map', { timeout: 60_000 }, async () => {
    const r = await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    assert.equal(r.code, 0, r.stderr);
    const ep = await waitFor('Endpoints plain', async () => {
      const g = await k(['get', 'endpoints', 'plain', '-o', 'json']);
      return g.code === 0 ? JSON.parse(g.stdout) : undefined;
    }, 30_000);
    assert.equal(ep.metadata.labels, undefined, JSON.stringify(ep.metadata));
  });
});
