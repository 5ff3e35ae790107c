import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './test-kinds.js';
import { leaves, renderPath, withoutPath } from './field-ownership.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const W = '/apis/example.com/v1/namespaces/default/widgets';
const apply = { 'content-type': 'application/apply-patch+yaml' };
const cfg = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'own' }, spec });

test('field sets: leaves, paths, removal', () => {
  const set = { 'f:spec': { 'f:replicas': {}, 'f:ports': { 'k:{"port":80}': { '.': {}, 'f:name': {} } } } };
  assert.deepEqual(leaves(set).map(renderPath), ['.spec.replicas', '.spec.ports[port=80].name']);
  assert.deepEqual(withoutPath(set, ['f:spec', 'f:ports', 'k:{"port":80}', 'f:name']), { 'f:spec': { 'f:replicas': {} } });
});

test('apply conflicts with another manager’s change, force takes over, shared values do not conflict', async () => {
  const a1 = await h.req('PATCH', `${W}/own?fieldManager=alice`, cfg({ replicas: 2, image: 'v1' }), apply);
  assert.equal(a1.status, 201);
  // bob changes replicas with an ordinary patch: he now owns it.
  const b = await h.req('PATCH', `${W}/own?fieldManager=bob`, { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(b.status, 200);
  const owners = Object.fromEntries(b.body.metadata.managedFields.map((e: any) => [e.manager, leaves(e.fieldsV1).map(renderPath)]));
  assert.deepEqual(owners, { alice: ['.spec.image'], bob: ['.spec.replicas'] });
  // alice re-applies replicas 2: conflict.
  const c = await h.req('PATCH', `${W}/own?fieldManager=alice`, cfg({ replicas: 2, image: 'v1' }), apply);
  assert.equal(c.status, 409);
  assert.equal(c.body.reason, 'Conflict');
  assert.equal(c.body.message, 'Apply failed with 1 conflict: conflict with "bob" using example.com/v1: .spec.replicas');
  assert.equal(c.body.details.causes[0].field, '.spec.replicas');
  // Applying bob's value is not a conflict (shared ownership).
  const shared = await h.req('PATCH', `${W}/own?fieldManager=alice`, cfg({ replicas: 3, image: 'v1' }), apply);
  assert.equal(shared.status, 200);
  // force=true takes the field over.
  const f = await h.req('PATCH', `${W}/own?fieldManager=alice&force=true`, cfg({ replicas: 5, image: 'v1' }), apply);
  assert.equal(f.status, 200);
  assert.equal(f.body.spec.replicas, 5);
  assert.deepEqual(f.body.metadata.managedFields.map((e: any) => e.manager), ['alice']);
});

test('a field the manager stops applying is removed, unless someone else owns it', async () => {
  await h.req('PATCH', `${W}/rm?fieldManager=alice`, { ...cfg({ replicas: 1, image: 'x' }), metadata: { name: 'rm' } }, apply);
  const r = await h.req('PATCH', `${W}/rm?fieldManager=alice`, { ...cfg({ replicas: 1 }), metadata: { name: 'rm' } }, apply);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.spec, { replicas: 1 });
  // carol also sets the image; alice applying without it leaves it in place.
  await h.req('PATCH', `${W}/rm?fieldManager=alice`, { ...cfg({ replicas: 1, image: 'y' }), metadata: { name: 'rm' } }, apply);
  await h.req('PATCH', `${W}/rm?fieldManager=carol`, { ...cfg({ image: 'y' }), metadata: { name: 'rm' } }, apply);
  const kept = await h.req('PATCH', `${W}/rm?fieldManager=alice`, { ...cfg({ replicas: 1 }), metadata: { name: 'rm' } }, apply);
  assert.equal(kept.body.spec.image, 'y');
});
