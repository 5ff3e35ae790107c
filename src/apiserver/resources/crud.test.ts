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

const T = '/api/v1/namespaces/default/things';
const W = '/apis/example.com/v1/namespaces/default/widgets';

test('system namespaces exist at start', async () => {
  const r = await h.req('GET', '/api/v1/namespaces');
  assert.equal(r.status, 200);
  assert.equal(r.body.kind, 'NamespaceList');
  assert.deepEqual(r.body.items.map((n: any) => n.metadata.name), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
});

test('create sets server fields; get returns it; duplicate is 409 AlreadyExists', async () => {
  const r = await h.req('POST', T, { metadata: { name: 'a', uid: 'forged' }, data: { k: 'v' } });
  assert.equal(r.status, 201);
  assert.equal(r.body.kind, 'Thing');
  assert.equal(r.body.apiVersion, 'v1');
  assert.equal(r.body.metadata.namespace, 'default');
  assert.notEqual(r.body.metadata.uid, 'forged');
  assert.match(r.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(r.body.metadata.resourceVersion, /^\d+$/);
  const g = await h.req('GET', `${T}/a`);
  assert.deepEqual(g.body, r.body);
  const dup = await h.req('POST', T, { metadata: { name: 'a' } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.reason, 'AlreadyExists');
  assert.equal(dup.body.message, 'things "a" already exists');
  const missing = await h.req('GET', `${T}/nope`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'things "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'things' }, code: 404 });
});

test('create: missing namespace 404, namespace mismatch 400, generateName, YAML body, dryRun', async () => {
  const nons = await h.req('POST', '/api/v1/namespaces/ghost/things', { metadata: { name: 'x' } });
  assert.equal(nons.status, 404);
  assert.equal(nons.body.message, 'namespaces "ghost" not found');
  const mismatch = await h.req('POST', T, { metadata: { name: 'x', namespace: 'other' } });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
  const gen = await h.req('POST', T, { metadata: { generateName: 'gen-' } });
  assert.equal(gen.status, 201);
  assert.match(gen.body.metadata.name, /^gen-[a-z0-9]{5}$/);
  const yaml = await h.req('POST', T, 'metadata:\n  name: from-yaml\ndata:\n  a: "1"\n', { 'content-type': 'application/yaml' });
  assert.equal(yaml.status, 201);
  assert.deepEqual(yaml.body.data, { a: '1' });
  const dry = await h.req('POST', `${T}?dryRun=All`, { metadata: { name: 'dry' } });
  assert.equal(dry.status, 201);
  assert.equal((await h.req('GET', `${T}/dry`)).status, 404);
  const bad = await h.req('POST', T, 'not json');
  assert.equal(bad.status, 400);
  const unsupported = await h.req('POST', T, 'x', { 'content-type': 'text/plain' });
  assert.equal(unsupported.status, 415);
});

test('fieldValidation: Strict rejects, Warn warns, Ignore drops unknown fields', async () => {
  const strict = await h.req('POST', `${T}?fieldValidation=Strict`, { metadata: { name: 'fv1' }, bogus: 1 });
  assert.equal(strict.status, 400);
  assert.equal(strict.body.message, 'Thing in version "v1" cannot be handled as a Thing: strict decoding error: unknown field "bogus"');
  // A PUT decodes a whole body too; a patch names no kind (as upstream).
  const putStrict = await h.req('PUT', `${T}/fv-none?fieldValidation=Strict`, { metadata: { name: 'fv-none' }, bogus: 1 });
  assert.equal(putStrict.body.message, 'Thing in version "v1" cannot be handled as a Thing: strict decoding error: unknown field "bogus"');
  const warn = await h.req('POST', `${T}?fieldValidation=Warn`, { metadata: { name: 'fv2' }, bogus: 1 });
  assert.equal(warn.status, 201);
  assert.equal(warn.headers.get('warning'), '299 - "unknown field \\"bogus\\""');
  assert.equal(warn.body.bogus, undefined);
  const ignore = await h.req('POST', `${T}?fieldValidation=Ignore`, { metadata: { name: 'fv3' }, bogus: 1 });
  assert.equal(ignore.status, 201);
  assert.equal(ignore.headers.get('warning'), null);
});

test('dry-run PATCH and PUT answer at the live resourceVersion and store nothing (kubectl diff compares them with the live object)', async () => {
  const live = await h.req('POST', T, { metadata: { name: 'dry-rv' }, data: { a: '1' } });
  const rv = live.body.metadata.resourceVersion;
  const patched = await h.req('PATCH', `${T}/dry-rv?dryRun=All`, { data: { a: '2' } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.data.a, '2');
  assert.equal(patched.body.metadata.resourceVersion, rv);
  const put = await h.req('PUT', `${T}/dry-rv?dryRun=All`, { ...live.body, data: { a: '3' } });
  assert.equal(put.status, 200);
  assert.equal(put.body.metadata.resourceVersion, rv);
  const now = await h.req('GET', `${T}/dry-rv`);
  assert.deepEqual([now.body.data.a, now.body.metadata.resourceVersion], ['1', rv]);
});

test('emptied finalizers and ownerReferences are left out, as Go prints ObjectMeta (omitempty)', async () => {
  const owner = { apiVersion: 'v1', kind: 'Thing', name: 'o', uid: '6b7a4c1e-0000-4000-8000-000000000001' };
  const c = await h.req('POST', T, { metadata: { name: 'omit', finalizers: ['example.com/x'], ownerReferences: [owner] } });
  assert.deepEqual([c.body.metadata.finalizers, c.body.metadata.ownerReferences?.length], [['example.com/x'], 1]);
  const p = await h.req('PATCH', `${T}/omit`, [{ op: 'replace', path: '/metadata/finalizers', value: [] }, { op: 'replace', path: '/metadata/ownerReferences', value: [] }], { 'content-type': 'application/json-patch+json' });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal('finalizers' in p.body.metadata, false);
  assert.equal('ownerReferences' in p.body.metadata, false);
  const made = await h.req('POST', T, { metadata: { name: 'omit2', finalizers: [], ownerReferences: [] } });
  assert.deepEqual(['finalizers' in made.body.metadata, 'ownerReferences' in made.body.metadata], [false, false]);
});

test('validation failure is 422 Invalid with causes', async () => {
  const r = await h.req('POST', W, { metadata: { name: 'bad' }, spec: { replicas: -1 } });
  assert.equal(r.status, 422);
  assert.equal(r.body.reason, 'Invalid');
  assert.match(r.body.message, /^Widget\.example\.com "bad" is invalid: spec\.replicas: Invalid value: -1/);
  assert.equal(r.body.details.causes[0].field, 'spec.replicas');
  const noname = await h.req('POST', W, { metadata: {} });
  assert.equal(noname.status, 422);
});

test('update: conflict on stale resourceVersion, unconditional when empty, generation bump, status ignored', async () => {
  const c = await h.req('POST', W, { metadata: { name: 'w1' }, spec: { replicas: 1 }, status: { phase: 'Forged' } });
  assert.equal(c.status, 201);
  assert.equal(c.body.metadata.generation, 1);
  assert.equal(c.body.status, undefined); // status from the client is dropped on create (status subresource)
  const st0 = await h.req('PATCH', `${W}/w1/status`, { status: { phase: 'Set' } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(st0.body.status.phase, 'Set');
  const u = await h.req('PUT', `${W}/w1`, { ...st0.body, spec: { replicas: 2 }, status: { phase: 'Ignored' } });
  assert.equal(u.status, 200);
  assert.equal(u.body.metadata.generation, 2);
  assert.equal(u.body.status.phase, 'Set');
  const stale = await h.req('PUT', `${W}/w1`, { ...st0.body, spec: { replicas: 3 } });
  assert.equal(stale.status, 409);
  assert.equal(stale.body.reason, 'Conflict');
  assert.equal(stale.body.message, 'Operation cannot be fulfilled on widgets.example.com "w1": the object has been modified; please apply your changes to the latest version and try again');
  const { resourceVersion: _rv, ...meta } = c.body.metadata;
  const uncond = await h.req('PUT', `${W}/w1`, { ...c.body, metadata: meta, spec: { replicas: 5 } });
  assert.equal(uncond.status, 200);
  assert.equal(uncond.body.spec.replicas, 5);
  // /status writes only status, and does not bump generation.
  const st = await h.req('PUT', `${W}/w1/status`, { ...uncond.body, spec: { replicas: 99 }, status: { phase: 'Running', replicas: 5 } });
  assert.equal(st.status, 200);
  assert.equal(st.body.spec.replicas, 5);
  assert.equal(st.body.status.phase, 'Running');
  assert.equal(st.body.metadata.generation, uncond.body.metadata.generation);
});

test('patch: merge, json, strategic (merge key) and conflicts', async () => {
  await h.req('POST', W, { metadata: { name: 'p1', labels: { a: '1' } }, spec: { replicas: 1, ports: [{ name: 'http', port: 80 }] } });
  const merge = await h.req('PATCH', `${W}/p1`, { metadata: { labels: { b: '2', a: null } } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(merge.status, 200);
  assert.deepEqual(merge.body.metadata.labels, { b: '2' });
  const json = await h.req('PATCH', `${W}/p1`, [{ op: 'replace', path: '/spec/replicas', value: 4 }], { 'content-type': 'application/json-patch+json' });
  assert.equal(json.status, 200);
  assert.equal(json.body.spec.replicas, 4);
  assert.equal(json.body.metadata.generation, 2);
  const smp = await h.req('PATCH', `${W}/p1`, { spec: { ports: [{ name: 'https', port: 443 }] } }, { 'content-type': 'application/strategic-merge-patch+json' });
  assert.equal(smp.status, 200);
  assert.deepEqual(smp.body.spec.ports.map((p: any) => p.port).sort(), [443, 80]);
  const badTest = await h.req('PATCH', `${W}/p1`, [{ op: 'test', path: '/spec/replicas', value: 7 }], { 'content-type': 'application/json-patch+json' });
  assert.equal(badTest.status, 422);
  const stale = await h.req('PATCH', `${W}/p1`, { metadata: { resourceVersion: '1' } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(stale.status, 409);
  const missing = await h.req('PATCH', `${W}/none`, {}, { 'content-type': 'application/merge-patch+json' });
  assert.equal(missing.status, 404);
  const wrongType = await h.req('PATCH', `${W}/p1`, {}, { 'content-type': 'application/json' });
  assert.equal(wrongType.status, 415);
});

test('server-side apply creates, then updates, and records the manager', async () => {
  const cfg = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa' }, spec: { replicas: 2 } };
  const noManager = await h.req('PATCH', `${W}/ssa`, cfg, { 'content-type': 'application/apply-patch+yaml' });
  assert.equal(noManager.status, 400);
  const c = await h.req('PATCH', `${W}/ssa?fieldManager=tester`, cfg, { 'content-type': 'application/apply-patch+yaml' });
  assert.equal(c.status, 201);
  assert.equal(c.body.metadata.managedFields[0].manager, 'tester');
  assert.equal(c.body.metadata.managedFields[0].operation, 'Apply');
  assert.deepEqual(c.body.metadata.managedFields[0].fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  const u = await h.req('PATCH', `${W}/ssa?fieldManager=tester`, { ...cfg, spec: { replicas: 3, image: 'x' } }, { 'content-type': 'application/apply-patch+yaml' });
  assert.equal(u.status, 200);
  assert.deepEqual(u.body.spec, { replicas: 3, image: 'x' });
});

test('list: selectors, unsupported field label, limit/continue, resourceVersion', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'ls' } });
  const base = '/api/v1/namespaces/ls/things';
  for (let i = 0; i < 5; i++) {
    await h.req('POST', base, { metadata: { name: `t${i}`, labels: { idx: String(i), even: String(i % 2 === 0) } }, data: { color: i < 2 ? 'red' : 'blue' } });
  }
  const all = await h.req('GET', base);
  assert.equal(all.body.kind, 'ThingList');
  assert.deepEqual(all.body.items.map((o: any) => o.metadata.name), ['t0', 't1', 't2', 't3', 't4']);
  const even = await h.req('GET', `${base}?labelSelector=${encodeURIComponent('even=true')}`);
  assert.deepEqual(even.body.items.map((o: any) => o.metadata.name), ['t0', 't2', 't4']);
  const set = await h.req('GET', `${base}?labelSelector=${encodeURIComponent('idx in (1,3),even!=true')}`);
  assert.deepEqual(set.body.items.map((o: any) => o.metadata.name), ['t1', 't3']);
  const red = await h.req('GET', `${base}?fieldSelector=${encodeURIComponent('data.color=red')}`);
  assert.deepEqual(red.body.items.map((o: any) => o.metadata.name), ['t0', 't1']);
  const byName = await h.req('GET', `${base}?fieldSelector=${encodeURIComponent('metadata.name!=t0,metadata.namespace=ls')}`);
  assert.equal(byName.body.items.length, 4);
  const bad = await h.req('GET', `${base}?fieldSelector=spec.foo%3Dx`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.message, 'Unable to find {"" "v1" "things"} that match label selector "", field selector "spec.foo=x": field label not supported: spec.foo');
  const badLabel = await h.req('GET', `${base}?labelSelector=${encodeURIComponent('a in (')}`);
  assert.equal(badLabel.status, 400);

  // Pagination: pages at one revision, even if objects change in between.
  const p1 = await h.req('GET', `${base}?limit=2`);
  assert.deepEqual(p1.body.items.map((o: any) => o.metadata.name), ['t0', 't1']);
  assert.equal(p1.body.metadata.remainingItemCount, 3);
  await h.req('DELETE', `${base}/t3`);
  const p2 = await h.req('GET', `${base}?limit=2&continue=${encodeURIComponent(p1.body.metadata.continue)}`);
  assert.deepEqual(p2.body.items.map((o: any) => o.metadata.name), ['t2', 't3']);
  assert.equal(p2.body.metadata.resourceVersion, p1.body.metadata.resourceVersion);
  const p3 = await h.req('GET', `${base}?limit=2&continue=${encodeURIComponent(p2.body.metadata.continue)}`);
  assert.deepEqual(p3.body.items.map((o: any) => o.metadata.name), ['t4']);
  assert.equal(p3.body.metadata.continue, undefined);
  const badToken = await h.req('GET', `${base}?continue=garbage`);
  assert.equal(badToken.status, 400);
  // Filtered pagination from the store follows selectors too.
  const f1 = await h.req('GET', `${base}?limit=1&labelSelector=even%3Dtrue`);
  const f2 = await h.req('GET', `${base}?limit=5&labelSelector=even%3Dtrue&continue=${encodeURIComponent(f1.body.metadata.continue)}`);
  assert.deepEqual([...f1.body.items, ...f2.body.items].map((o: any) => o.metadata.name), ['t0', 't2', 't4']);
  // Exact read at an older revision still sees t3.
  const exact = await h.req('GET', `${base}?resourceVersion=${p1.body.metadata.resourceVersion}&resourceVersionMatch=Exact`);
  assert.equal(exact.body.items.length, 5);
  const any = await h.req('GET', `${base}?resourceVersion=0`);
  assert.equal(any.body.items.length, 4);
  // Compacted continue → 410 Expired.
  await h.store.compact(await h.store.currentRevision());
  const gone = await h.req('GET', `${base}?limit=2&continue=${encodeURIComponent(p1.body.metadata.continue)}`);
  assert.equal(gone.status, 410);
  assert.equal(gone.body.reason, 'Expired');
});

test('Table output for list and get, with includeObject', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'tbl' } });
  await h.req('POST', '/api/v1/namespaces/tbl/things', { metadata: { name: 'row', labels: { x: 'y' } }, data: { a: '1', b: '2' } });
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const list = await h.req('GET', '/api/v1/namespaces/tbl/things?limit=500', undefined, { accept });
  assert.equal(list.body.kind, 'Table');
  assert.equal(list.headers.get('content-type'), 'application/json;as=Table;v=v1;g=meta.k8s.io');
  assert.deepEqual(list.body.columnDefinitions.map((c: any) => c.name), ['Name', 'Data', 'Age']);
  assert.deepEqual(list.body.rows[0].cells.slice(0, 2), ['row', 2]);
  assert.equal(list.body.rows[0].object.kind, 'PartialObjectMetadata');
  assert.deepEqual(list.body.rows[0].object.metadata.labels, { x: 'y' });
  assert.match(list.body.metadata.resourceVersion, /^\d+$/);
  const full = await h.req('GET', '/api/v1/namespaces/tbl/things?includeObject=Object', undefined, { accept });
  assert.equal(full.body.rows[0].object.kind, 'Thing');
  const none = await h.req('GET', '/api/v1/namespaces/tbl/things/row?includeObject=None', undefined, { accept });
  assert.equal(none.body.rows.length, 1);
  assert.equal(none.body.rows[0].object, undefined);
  const beta = await h.req('GET', '/api/v1/namespaces/tbl/things', undefined, { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' });
  assert.equal(beta.body.apiVersion, 'meta.k8s.io/v1beta1');
});

test('metadata-only responses (PartialObjectMetadata and its list)', async () => {
  await h.req('POST', T, { metadata: { name: 'pom', labels: { a: 'b' } }, data: { big: 'x'.repeat(100) } });
  const one = await h.req('GET', `${T}/pom`, undefined, { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json' });
  assert.equal(one.body.kind, 'PartialObjectMetadata');
  assert.equal(one.body.metadata.name, 'pom');
  assert.equal(one.body.data, undefined);
  const list = await h.req('GET', T, undefined, { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json' });
  assert.equal(list.body.kind, 'PartialObjectMetadataList');
  assert.ok(list.body.items.every((i: any) => i.kind === 'PartialObjectMetadata' && i.data === undefined));
  assert.match(list.body.metadata.resourceVersion, /^\d+$/);
});
