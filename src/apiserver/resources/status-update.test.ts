/**
 * Writes through pods/NAME/status with the real Pod kind: status changes are validated
 * (422 with the causes a full validation gives), everything else is kept from the stored
 * object; patches of every type store what they change, and a refused one stores nothing
 * (handlePatch no longer copies the current object before patching it).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { PodKind } from '../../api/core/v1/pod.js';
import { applyDefaults, validateObject } from '../../api/schema/index.js';
import { startHarness, type Harness } from './test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness({ kinds: [PodKind] });
});
after(async () => {
  await h.close();
});

const P = '/api/v1/namespaces/default/pods';
const merge = { 'content-type': 'application/merge-patch+json' };
const strategic = { 'content-type': 'application/strategic-merge-patch+json' };
const jsonPatch = { 'content-type': 'application/json-patch+json' };

async function createPod(name: string): Promise<any> {
  const r = await h.req('POST', P, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** Reason and field of each error the whole-object validation gives for `stored` with its status replaced. */
function fullValidationCauses(stored: any, status: unknown): string[] {
  const next = structuredClone(stored);
  next.status = structuredClone(status);
  delete next.metadata.resourceVersion;
  applyDefaults(PodKind, next);
  return validateObject(PodKind, next, stored).map((e) => `${e.type} ${e.field}`);
}

const causesOf = (body: any): string[] => body.details.causes.map((c: any) => `${c.reason} ${c.field}`);

const badStatus = { phase: 'Sideways', startTime: 'yesterday', conditions: [{ type: 'Ready', status: 'True' }, { type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', ready: 'yes' }] };

test('a bad status is 422 Invalid with the full validation causes, by merge patch and by PUT', async () => {
  const pod = await createPod('bad-status');
  const want = fullValidationCauses(pod, badStatus);
  assert.ok(want.length >= 4);
  const p = await h.req('PATCH', `${P}/bad-status/status`, { status: badStatus }, merge);
  assert.equal(p.status, 422, JSON.stringify(p.body));
  assert.equal(p.body.reason, 'Invalid');
  assert.deepEqual(causesOf(p.body), want);
  const u = await h.req('PUT', `${P}/bad-status/status`, { ...pod, status: badStatus });
  assert.equal(u.status, 422);
  assert.deepEqual(u.body.details, p.body.details);
  assert.deepEqual((await h.req('GET', `${P}/bad-status`)).body, pod);
});

test('a status patch stores the status and nothing else it carries', async () => {
  const pod = await createPod('good-status');
  const status = { phase: 'Running', podIP: '127.0.1.5', podIPs: [{ ip: '127.0.1.5' }], startTime: '2026-11-27T10:00:00+01:00' };
  const p = await h.req('PATCH', `${P}/good-status/status`, { metadata: { labels: { sneaky: 'yes' } }, spec: { nodeName: 'other' }, status }, merge);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.deepEqual(p.body.spec, pod.spec);
  assert.equal(p.body.metadata.labels, undefined);
  assert.equal(p.body.status.phase, 'Running');
  assert.equal(p.body.status.startTime, '2026-11-27T09:00:00Z'); // normalized, as before
  assert.equal(p.body.status.qosClass, 'BestEffort'); // kept from the stored status
  assert.deepEqual((await h.req('GET', `${P}/good-status`)).body, p.body);
});

test('a patch of every type stores its change', async () => {
  await createPod('each');
  const attempts: [Record<string, string>, unknown, string][] = [
    [jsonPatch, [{ op: 'add', path: '/metadata/labels', value: { by: 'json' } }], 'json'],
    [merge, { metadata: { labels: { by: 'merge' } } }, 'merge'],
    [strategic, { metadata: { labels: { by: 'strategic' } } }, 'strategic'],
  ];
  for (const [headers, body, by] of attempts) {
    const r = await h.req('PATCH', `${P}/each`, body, headers);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const got = (await h.req('GET', `${P}/each`)).body;
    assert.deepEqual(got.metadata.labels, { by });
    assert.equal(got.metadata.resourceVersion, r.body.metadata.resourceVersion);
  }
});

test('a refused patch of every type leaves the stored object as it was', async () => {
  const pod = await createPod('pure');
  const attempts: [Record<string, string>, unknown][] = [
    [jsonPatch, [{ op: 'replace', path: '/spec/containers/0/image', value: 'changed' }, { op: 'replace', path: '/spec/containers/0/name', value: 'Not Valid' }]],
    [merge, { spec: { containers: [{ name: 'Not Valid', image: 'changed' }] }, metadata: { labels: { a: 'b' } } }],
    [strategic, { spec: { containers: [{ name: 'c', image: 'changed', workingDir: 'relative' }], restartPolicy: 'Sometimes' }, metadata: { labels: { a: 'b' } } }],
  ];
  for (const [headers, body] of attempts) {
    const r = await h.req('PATCH', `${P}/pure`, body, headers);
    assert.equal(r.status, 422, `${headers['content-type']}: ${JSON.stringify(r.body)}`);
    assert.deepEqual((await h.req('GET', `${P}/pure`)).body, pod, headers['content-type']);
  }
  const s = await h.req('PATCH', `${P}/pure/status`, [{ op: 'add', path: '/status/phase', value: 'Nope' }], jsonPatch);
  assert.equal(s.status, 422);
  assert.deepEqual((await h.req('GET', `${P}/pure`)).body, pod);
});
