/**
 * The aggregation layer with the real kubectl against `skiff server`: the Local
 * APIServices, and an extension API server run by this test (HTTPS on 127.0.0.1 with its
 * own CA) registered through a selector-less Service, a manual EndpointSlice and an
 * APIService — discovery, proxying, the caller's identity, availability and removal.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueServerCertificate } from '../../src/apiserver/tls/pki.js';
import { kubectl, startTestServer, waitFor, type TestServer } from './support/index.js';

const GROUP = 'wardle.example.com';
const GV = `${GROUP}/v1alpha1`;

let server: TestServer;
let cacheRoot: string;
let extension: Server;
let extensionPort = 0;
const seen: Array<{ path: string; user?: string; groups?: string[]; authorization?: string }> = [];

const run = (args: string[], stdin?: string) =>
  kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir: mkdtempSync(join(cacheRoot, 'c-')), ...(stdin !== undefined ? { stdin } : {}) });

const flunder = (name: string) => ({
  apiVersion: GV,
  kind: 'Flunder',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z', resourceVersion: '7' },
  spec: { reference: name },
});

/** A tiny extension API server: discovery of one resource, list and get. */
async function startExtension(): Promise<void> {
  const ca = await createCa('wardle-test-ca');
  const cert = await issueServerCertificate(ca, { dns: ['wardle-api.wardle.svc'], ips: ['127.0.0.1'] });
  caPem = ca.certPem;
  extension = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    seen.push({ path, user: req.headers['x-remote-user'] as string | undefined, groups: req.headersDistinct['x-remote-group'], authorization: req.headers.authorization });
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === `/apis/${GV}`) {
      return json(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: GV,
        resources: [{ name: 'flunders', singularName: 'flunder', namespaced: true, kind: 'Flunder', verbs: ['get', 'list'], shortNames: ['fl'] }],
      });
    }
    if (path === `/apis/${GV}/namespaces/default/flunders`) {
      return json(200, { kind: 'FlunderList', apiVersion: GV, metadata: { resourceVersion: '7' }, items: [flunder('first-flunder'), flunder('second-flunder')] });
    }
    if (path === '/apis/metrics.k8s.io/v1beta1') {
      return json(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'metrics.k8s.io/v1beta1', resources: [{ name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] }] });
    }
    if (path === '/apis/metrics.k8s.io/v1beta1/nodes') {
      return json(200, { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items: [{ metadata: { name: 'extension-node' }, timestamp: '2026-01-01T00:00:00Z', window: '10s', usage: { cpu: '1m', memory: '1Ki' } }] });
    }
    const m = new RegExp(`^/apis/${GV.replace(/\./g, '\\.')}/namespaces/default/flunders/([^/]+)$`).exec(path);
    if (m?.[1] === 'first-flunder' || m?.[1] === 'second-flunder') return json(200, flunder(m[1]));
    json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
  });
  await new Promise<void>((resolve) => extension.listen(0, '127.0.0.1', resolve));
  extensionPort = (extension.address() as AddressInfo).port;
}
let caPem = '';

before(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), 'skiff-aggregation-kubectl-'));
  server = await startTestServer();
  await startExtension();
});
after(async () => {
  extension?.closeAllConnections();
  extension?.close();
  await server?.stop();
  rmSync(cacheRoot, { recursive: true, force: true });
});

test('kubectl get apiservices lists the built-in group versions as Local and Available', async () => {
  const out = await waitFor('local APIServices available', async () => {
    const r = await run(['get', 'apiservices']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s+/));
    const want = ['v1.', 'v1.apps', 'v1.batch', 'v1.apiregistration.k8s.io', 'v2.autoscaling', 'v1beta1.metrics.k8s.io'];
    return want.every((name) => rows.some((c) => c[0] === name && c[1] === 'Local' && c[2] === 'True')) ? r.stdout : undefined;
  }, 30_000, 200);
  assert.match(out, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE$/m);
});

test('a remote APIService for a group skiff serves itself is refused', async () => {
  const r = await run(['create', '-f', '-'], JSON.stringify({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1.batch' },
    spec: { group: 'batch', version: 'v1', service: { namespace: 'default', name: 'x' }, groupPriorityMinimum: 100, versionPriority: 10 },
  }));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /is invalid: spec\.service: Forbidden: group "batch" is served by this API server/);
});

test('an extension API server registered with an APIService is discovered and proxied to', async () => {
  const manifests = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wardle' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'wardle-api', namespace: 'wardle' }, spec: { ports: [{ name: 'https', port: 443, targetPort: extensionPort }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'wardle-api-1', namespace: 'wardle', labels: { 'kubernetes.io/service-name': 'wardle-api', 'endpointslice.kubernetes.io/managed-by': 'test' } },
      addressType: 'IPv4',
      ports: [{ name: 'https', port: extensionPort, protocol: 'TCP' }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `v1alpha1.${GROUP}` },
      spec: {
        group: GROUP,
        version: 'v1alpha1',
        service: { namespace: 'wardle', name: 'wardle-api', port: 443 },
        caBundle: Buffer.from(caPem).toString('base64'),
        groupPriorityMinimum: 1000,
        versionPriority: 15,
      },
    },
  ];
  const applied = await run(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
  assert.equal(applied.code, 0, applied.stderr);

  await waitFor('the APIService to be available', async () => {
    const r = await run(['get', 'apiservice', `v1alpha1.${GROUP}`]);
    return /^v1alpha1\.wardle\.example\.com\s+wardle\/wardle-api\s+True\s/m.test(r.stdout) ? true : undefined;
  }, 30_000, 200);

  const resources = await waitFor('flunders in api-resources', async () => {
    const r = await run(['api-resources']);
    return /^flunders\s+fl\s+wardle\.example\.com\/v1alpha1\s+true\s+Flunder$/m.test(r.stdout) ? r.stdout : undefined;
  }, 30_000, 200);
  assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);

  const versions = await run(['api-versions']);
  assert.match(versions.stdout, /^wardle\.example\.com\/v1alpha1$/m);

  const list = await run(['get', 'flunders', '-n', 'default']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^first-flunder\s/m);
  assert.match(list.stdout, /^second-flunder\s/m);

  const one = await run(['get', 'fl', 'first-flunder', '-n', 'default', '-o', 'jsonpath={.spec.reference}']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.stdout, 'first-flunder');

  const proxied = seen.filter((s) => s.path.startsWith(`/apis/${GV}/namespaces/`));
  assert.ok(proxied.length >= 2, JSON.stringify(seen));
  for (const s of proxied) {
    assert.equal(s.user, 'admin');
    // One X-Remote-Group header per group, as upstream's front proxy sends them.
    assert.deepEqual(s.groups, ['system:masters', 'system:authenticated']);
    assert.equal(s.authorization, undefined, 'the caller’s credentials are not forwarded');
  }
});

test('a remote v1beta1.metrics.k8s.io takes over the built-in metrics until it is deleted', async () => {
  const metrics = {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io' },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { namespace: 'wardle', name: 'wardle-api' },
      caBundle: Buffer.from(caPem).toString('base64'),
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  };
  const applied = await run(['apply', '-f', '-'], JSON.stringify(metrics));
  assert.equal(applied.code, 0, applied.stderr);
  await waitFor('the remote metrics APIService to be available', async () => {
    const r = await run(['get', 'apiservice', 'v1beta1.metrics.k8s.io']);
    return /^v1beta1\.metrics\.k8s\.io\s+wardle\/wardle-api\s+True\s/m.test(r.stdout) ? true : undefined;
  }, 30_000, 200);
  const nodes = await run(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']);
  assert.equal(nodes.code, 0, nodes.stderr);
  assert.match(nodes.stdout, /extension-node/);

  const del = await run(['delete', 'apiservice', 'v1beta1.metrics.k8s.io']);
  assert.equal(del.code, 0, del.stderr);
  await waitFor('the local metrics APIService to come back', async () => {
    const r = await run(['get', 'apiservice', 'v1beta1.metrics.k8s.io']);
    return /^v1beta1\.metrics\.k8s\.io\s+Local\s+True\s/m.test(r.stdout) ? true : undefined;
  }, 30_000, 200);
  const local = await run(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']);
  assert.equal(local.code, 0, local.stderr);
  assert.doesNotMatch(local.stdout, /extension-node/);
});

test('a stopped extension server turns the APIService unavailable and its requests into 503s', async () => {
  await new Promise<void>((resolve) => {
    extension.close(() => resolve());
    extension.closeAllConnections();
  });
  await waitFor('the APIService to be unavailable', async () => {
    const r = await run(['get', 'apiservice', `v1alpha1.${GROUP}`]);
    return /\sFalse \((FailedDiscoveryCheck|MissingEndpoints)\)\s/.test(r.stdout) ? true : undefined;
  }, 30_000, 200);
  const raw = await run(['get', '--raw', `/apis/${GV}/namespaces/default/flunders`]);
  assert.notEqual(raw.code, 0);
  assert.match(raw.stderr, /the server is currently unable to handle the request/);
  const described = await run(['get', 'apiservice', `v1alpha1.${GROUP}`, '-o', 'jsonpath={.status.conditions[0].message}']);
  assert.match(described.stdout, /failing or missing response from https:\/\/127\.0\.0\.1:\d+\/apis\/wardle\.example\.com\/v1alpha1/);
});

test('deleting the APIService removes its group from discovery', async () => {
  const del = await run(['delete', 'apiservice', `v1alpha1.${GROUP}`]);
  assert.equal(del.code, 0, del.stderr);
  await waitFor('the group to leave discovery', async () => {
    const r = await run(['api-versions']);
    return r.code === 0 && !r.stdout.includes(GROUP) ? true : undefined;
  }, 30_000, 200);
  const groups = await run(['get', '--raw', '/apis']);
  assert.equal(groups.code, 0, groups.stderr);
  assert.ok(!groups.stdout.includes(GROUP));
  const gone = await run(['get', '--raw', `/apis/${GV}`]);
  assert.notEqual(gone.code, 0);
  assert.match(gone.stderr, /NotFound|not found/);
});
