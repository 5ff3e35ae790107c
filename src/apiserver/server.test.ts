import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { call, startTempServer } from './testing.js';
import { alwaysDenyAuthorizer, type Authorizer } from './authz/authorizer.js';
import type { ResourceHandler } from './types.js';
import { AGGREGATED_V2, AGGREGATED_V2BETA1 } from './discovery/handler.js';

// Resource requests for configmaps named "hold-*" wait until released; others answer 200.
const held: Array<() => void> = [];
const handler: ResourceHandler = async (_req, res, info) => {
  if (info.name?.startsWith('hold')) await new Promise<void>((r) => held.push(r));
  if (info.name === 'boom') throw new Error('handler bug');
  if (info.name === 'boom-late') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"partial":');
    throw new Error('handler bug after the headers');
  }
  if (res.writableEnded) return;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Echo', verb: info.verb }));
};
const releaseAll = (): void => {
  for (const r of held.splice(0)) r();
};

// Denies user "alice"; allows everyone else.
const denyAlice: Authorizer = {
  authorize: (a) => (a.user.name === 'alice' ? alwaysDenyAuthorizer('no access for alice').authorize(a) : { allowed: true, reason: '' }),
};

let s: Awaited<ReturnType<typeof startTempServer>>;
before(async () => {
  s = await startTempServer({
    authorizer: denyAlice,
    serveCustomResources: false, createResources: () => Object.assign(handler, { close: async () => releaseAll() }),
    maxRequestsInFlight: 2,
    maxMutatingRequestsInFlight: 1,
  });
  s.tokens.set('alice-token', { name: 'alice', groups: ['devs'] });
  s.tokens.set('bob-token', { name: 'bob', groups: ['devs'] });
});
after(async () => {
  releaseAll();
  await s?.stop();
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a denied request is a 403 Status worded as kube-apiserver', async () => {
  const r = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/cm1', { token: 'alice-token' });
  assert.equal(r.code, 403);
  assert.deepEqual(r.json(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'configmaps "cm1" is forbidden: User "alice" cannot get resource "configmaps" in API group "" in the namespace "default": no access for alice',
    reason: 'Forbidden',
    details: { name: 'cm1', kind: 'configmaps' },
    code: 403,
  });
  const list = await call(s, 'GET', '/apis/apps/v1/deployments', { token: 'alice-token' });
  assert.equal(
    list.json().message,
    'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope: no access for alice',
  );
  const scale = await call(s, 'PATCH', '/apis/apps/v1/namespaces/d/deployments/web/scale', { token: 'alice-token', body: '{}' });
  assert.match(scale.json().message, /^deployments\.apps "web" is forbidden: User "alice" cannot patch resource "deployments\/scale" in API group "apps" in the namespace "d"/);
  const path = await call(s, 'GET', '/apis', { token: 'alice-token' });
  assert.equal(path.json().message, 'forbidden: User "alice" cannot get path "/apis": no access for alice');
  // Impersonation is authorized as the verb "impersonate".
  const as = await call(s, 'GET', '/version', { token: 'alice-token', headers: { 'Impersonate-User': 'bob' } });
  assert.equal(as.code, 403);
  assert.equal(as.json().message, 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope: no access for alice');
  // bob is allowed.
  assert.equal((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/cm1', { token: 'bob-token' })).code, 200);
});

test('every answer carries Audit-Id and Cache-Control', async () => {
  const r = await call(s, 'GET', '/version');
  assert.match(String(r.headers['audit-id']), /^[0-9a-f-]{36}$/);
  assert.equal(r.headers['cache-control'], 'no-cache, private');
  const e = await call(s, 'GET', '/nope', { token: s.adminToken });
  assert.match(String(e.headers['audit-id']), /^[0-9a-f-]{36}$/);
});

test('unknown paths, unknown resources and wrong methods are Status errors', async () => {
  const t = { token: s.adminToken };
  const nf = await call(s, 'GET', '/no/such/path', t);
  assert.equal(nf.code, 404);
  assert.deepEqual(nf.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  assert.equal((await call(s, 'GET', '/api/v1/nopes', t)).code, 404);
  assert.equal((await call(s, 'GET', '/apis/nogroup/v1/things', t)).code, 404);
  assert.equal((await call(s, 'GET', '/api/v9', t)).code, 404);
  const m = await call(s, 'DELETE', '/version', t);
  assert.equal(m.code, 405);
  assert.equal(m.json().reason, 'MethodNotAllowed');
  const bad = await call(s, 'GET', '/api/v1/namespaces/%zz/configmaps', t);
  assert.equal(bad.code, 400);
  assert.equal(bad.json().reason, 'BadRequest');
  const badTimeout = await call(s, 'GET', '/api/v1/configmaps?timeout=soon', t);
  assert.equal(badTimeout.code, 400);
});

test('a handler that throws yields a 500 Status (or a cut connection) and the server lives on', async () => {
  const r = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/boom', { token: s.adminToken });
  assert.equal(r.code, 500);
  assert.deepEqual([r.json().reason, r.json().message], ['InternalError', 'Internal error occurred: handler bug']);
  await assert.rejects(call(s, 'GET', '/api/v1/namespaces/default/configmaps/boom-late', { token: s.adminToken }));
  assert.equal((await call(s, 'GET', '/version')).code, 200);
});

test('a body declared larger than 3 MiB is a 413 Status', async () => {
  const r = await call(s, 'POST', '/api/v1/namespaces/default/configmaps', {
    token: s.adminToken,
    headers: { 'Content-Type': 'application/json' },
    body: Buffer.alloc(3 * 1024 * 1024 + 1, 0x20),
  });
  assert.equal(r.code, 413);
  assert.deepEqual([r.json().reason, r.json().message], ['RequestEntityTooLarge', 'Request entity too large: limit is 3145728']);
});

test('in-flight limits answer 429 with Retry-After; system:masters and watches are exempt', async () => {
  const t = { token: 'bob-token' };
  const p1 = call(s, 'GET', '/api/v1/namespaces/default/configmaps/hold-1', t);
  const p2 = call(s, 'GET', '/api/v1/namespaces/default/configmaps/hold-2', t);
  await waitFor(() => held.length === 2);
  const r = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/x', t);
  assert.equal(r.code, 429);
  assert.equal(r.headers['retry-after'], '1');
  assert.deepEqual(r.json().details, { retryAfterSeconds: 1 });
  assert.equal((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/x', { token: s.adminToken })).code, 200);
  // Mutating requests have their own budget (1).
  const m1 = call(s, 'PUT', '/api/v1/namespaces/default/configmaps/hold-3', { ...t, body: '{}' });
  await waitFor(() => held.length === 3);
  assert.equal((await call(s, 'DELETE', '/api/v1/namespaces/default/configmaps/y', t)).code, 429);
  // A watch is not counted.
  const w = call(s, 'GET', '/api/v1/namespaces/default/configmaps?watch=true', t);
  assert.equal((await w).code, 200);
  releaseAll();
  assert.deepEqual([(await p1).code, (await p2).code, (await m1).code], [200, 200, 200]);
  assert.equal((await call(s, 'GET', '/api/v1/namespaces/default/configmaps/x', t)).code, 200);
});

test('?timeout= cuts a slow request off with a 504 Status', async () => {
  const started = Date.now();
  const r = await call(s, 'GET', '/api/v1/namespaces/default/configmaps/hold-slow?timeout=200ms', { token: s.adminToken });
  assert.equal(r.code, 504);
  assert.deepEqual([r.json().reason, r.json().message], ['Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded']);
  assert.ok(Date.now() - started < 5000);
  releaseAll();
  // The late answer of the handler is dropped, and the server still serves.
  assert.equal((await call(s, 'GET', '/version')).code, 200);
});

test('/api and /apis negotiate aggregated (v2, v2beta1) or legacy discovery', async () => {
  const t = { token: s.adminToken };
  const kubectlAccept =
    'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const agg = await call(s, 'GET', '/apis', { ...t, headers: { Accept: kubectlAccept } });
  assert.equal(agg.headers['content-type'], AGGREGATED_V2);
  assert.equal(agg.headers['vary'], 'Accept');
  const apps = agg.json().items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
  const deploy = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
  assert.deepEqual(deploy.responseKind, { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.equal(deploy.scope, 'Namespaced');
  assert.deepEqual(deploy.shortNames, ['deploy']);
  assert.deepEqual(
    deploy.subresources.map((x: { subresource: string; responseKind: { kind: string } }) => `${x.subresource}:${x.responseKind.kind}`),
    ['scale:Scale', 'status:Deployment'],
  );
  // Conditional GET with the ETag.
  const again = await call(s, 'GET', '/apis', { ...t, headers: { Accept: kubectlAccept, 'If-None-Match': String(agg.headers['etag']) } });
  assert.equal(again.code, 304);

  const beta = await call(s, 'GET', '/api', { ...t, headers: { Accept: `${AGGREGATED_V2BETA1},application/json` } });
  assert.equal(beta.headers['content-type'], AGGREGATED_V2BETA1);
  assert.equal(beta.json().apiVersion, 'apidiscovery.k8s.io/v2beta1');
  assert.equal(beta.json().items[0].versions[0].version, 'v1');

  const legacy = await call(s, 'GET', '/api', { ...t, headers: { Accept: 'application/json, */*' } });
  assert.equal(legacy.headers['content-type'], 'application/json');
  assert.deepEqual(legacy.json(), { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${s.port}` }] });
  const groups = (await call(s, 'GET', '/apis', t)).json();
  assert.equal(groups.kind, 'APIGroupList');
  assert.deepEqual(groups.groups.find((g: { name: string }) => g.name === 'apps'), {
    name: 'apps',
    versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
    preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
  });
  const notAcceptable = await call(s, 'GET', '/apis', { ...t, headers: { Accept: 'text/html' } });
  assert.equal(notAcceptable.code, 406);
});

test('legacy APIResourceList lists subresources with their kinds', async () => {
  const t = { token: s.adminToken };
  const apps = (await call(s, 'GET', '/apis/apps/v1', t)).json();
  assert.equal(apps.groupVersion, 'apps/v1');
  assert.deepEqual(apps.resources.find((r: { name: string }) => r.name === 'deployments/scale'), {
    name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'],
  });
  const core = (await call(s, 'GET', '/api/v1', t)).json();
  assert.equal(core.groupVersion, 'v1');
  const ns = core.resources.find((r: { name: string }) => r.name === 'namespaces');
  assert.deepEqual([ns.singularName, ns.namespaced, ns.kind, ns.shortNames], ['namespace', false, 'Namespace', ['ns']]);
  const group = (await call(s, 'GET', '/apis/apps', t)).json();
  assert.deepEqual(group, { kind: 'APIGroup', apiVersion: 'v1', name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
});

test('kinds added to the registry at run time appear in discovery and OpenAPI', async () => {
  const t = { token: s.adminToken };
  const aggregatedGroups = async (): Promise<string[]> =>
    (await call(s, 'GET', '/apis', { ...t, headers: { Accept: AGGREGATED_V2 } })).json().items.map((g: { metadata: { name: string } }) => g.metadata.name);
  assert.equal((await aggregatedGroups()).includes('example.com'), false);
  const before = (await call(s, 'GET', '/openapi/v3', t)).json();
  assert.equal(before.paths['apis/example.com/v1'], undefined);
  const ns = s.registry.byGroupVersionResource('', 'v1', 'namespaces');
  assert.ok(ns);
  s.registry.add({ ...ns, subresources: {}, group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', shortNames: ['wd'], namespaced: true });
  try {
    assert.equal((await aggregatedGroups()).includes('example.com'), true);
    const list = (await call(s, 'GET', '/apis/example.com/v1', t)).json();
    assert.deepEqual(list.resources.map((r: { name: string }) => r.name), ['widgets']);
    const idx = (await call(s, 'GET', '/openapi/v3', t)).json();
    const url: string = idx.paths['apis/example.com/v1'].serverRelativeURL;
    assert.match(url, /^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]{128}$/);
    const doc = await call(s, 'GET', url, t);
    assert.equal(doc.code, 200);
    assert.equal(doc.headers['content-type'], 'application/json');
    assert.equal(doc.headers['cache-control'], 'public, immutable');
    assert.ok(JSON.stringify(doc.json()).includes('"kind":"Widget"'));
    const stale = await call(s, 'GET', '/openapi/v3/apis/example.com/v1?hash=OLD', t);
    assert.equal(stale.code, 301);
    assert.equal(stale.headers['location'], url);
  } finally {
    s.registry.remove('example.com', 'v1', 'widgets');
  }
  assert.equal((await call(s, 'GET', '/apis/example.com/v1', t)).code, 404);
  assert.equal((await aggregatedGroups()).includes('example.com'), false);
});

test('/openapi/v2 serves every definition as JSON or gnostic protobuf', async () => {
  const t = { token: s.adminToken };
  const json = await call(s, 'GET', '/openapi/v2', { ...t, headers: { Accept: 'application/json' } });
  assert.equal(json.code, 200);
  const doc = json.json();
  assert.equal(doc.swagger, '2.0');
  const deploy = doc.definitions['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(deploy['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.equal(deploy.properties.spec.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
  for (const accept of ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf']) {
    const pb = await call(s, 'GET', '/openapi/v2', { ...t, headers: { Accept: accept } });
    assert.equal(pb.code, 200);
    assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    assert.ok(pb.body.startsWith('\n\u00032.0'), 'field 1 = "2.0"');
  }
  assert.equal((await call(s, 'GET', '/openapi/v2', { ...t, headers: { Accept: 'text/html' } })).code, 406);
});

test('OpenAPI documents are gzipped for clients that accept it', async () => {
  const t = { token: s.adminToken };
  const url: string = (await call(s, 'GET', '/openapi/v3', t)).json().paths['apis/apps/v1'].serverRelativeURL;
  const plain = await call(s, 'GET', url, t);
  assert.equal(plain.headers['content-encoding'], undefined);
  const zipped = await callRaw(url, { Authorization: `Bearer ${s.adminToken}`, 'Accept-Encoding': 'gzip, deflate' });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.equal(zipped.headers['vary'], 'Accept-Encoding');
  assert.ok(zipped.body.length < Buffer.byteLength(plain.body) / 3);
  assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.body);
  const refused = await callRaw(url, { Authorization: `Bearer ${s.adminToken}`, 'Accept-Encoding': 'gzip;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
});

/** A GET returning the raw (possibly compressed) bytes. */
function callRaw(path: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.url), { ca: s.caPem, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('health checks, verbose, single checks and metrics', async () => {
  const v = await call(s, 'GET', '/readyz?verbose');
  assert.equal(v.body, '[+]ping ok\n[+]etcd ok\n[+]resource-layer ok\n[+]poststarthook/crd-informer-synced ok\n[+]shutdown ok\nreadyz check passed\n');
  assert.equal((await call(s, 'GET', '/healthz/etcd')).body, 'ok');
  assert.equal((await call(s, 'GET', '/healthz/nope')).code, 404);
  const m = await call(s, 'GET', '/metrics', { token: s.adminToken });
  assert.equal(m.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(m.body, /^apiserver_request_total\{code="200",group="",resource="",scope="",subresource="",verb="GET",version=""\} \d+$/m);
  assert.match(m.body, /^apiserver_request_total\{code="403",group="",resource="configmaps",scope="resource",subresource="",verb="GET",version="v1"\} 1$/m);
  assert.match(m.body, /^apiserver_current_inflight_requests\{request_kind="readOnly"\} 1$/m);
  assert.match(m.body, /^process_resident_memory_bytes \d+$/m);
  assert.match(m.body, /^apiserver_request_duration_seconds_bucket\{.*le="\+Inf"\} \d+$/m);
});
