import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../storage/index.js';
import { ensureBootstrapPolicy } from './ensure-bootstrap-policy.js';

const ROLES = '/registry/rbac.authorization.k8s.io/clusterroles/';
const BINDINGS = '/registry/rbac.authorization.k8s.io/clusterrolebindings/';
let dir: string;
let store: Store;

const read = async (key: string): Promise<Record<string, any>> => JSON.parse(new TextDecoder().decode((await store.get(key))!.value)) as Record<string, any>;
const write = async (key: string, obj: unknown): Promise<void> => {
  const kv = (await store.get(key))!;
  await store.update(key, new TextEncoder().encode(JSON.stringify(obj)), kv.modRevision);
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-rbac-bootstrap-'));
  store = await openStore({ backend: 'sqlite', path: join(dir, 'db.sqlite') });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('creates the defaults, system:auth-delegator among them', async () => {
  await ensureBootstrapPolicy({ store });
  const delegator = await read(`${ROLES}system:auth-delegator`);
  assert.deepEqual(delegator.rules, [
    { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'] },
  ]);
  assert.equal(delegator.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'true');
});

test('autoupdate roles and bindings get back what they lack, keep what an admin added; autoupdate "false" is left alone', async () => {
  const view = await read(`${ROLES}view`);
  const added = { verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] };
  const dropped = view.rules[0];
  await write(`${ROLES}view`, { ...view, metadata: { ...view.metadata, labels: {} }, rules: [...view.rules.slice(1), added] });
  const discovery = await read(`${BINDINGS}system:discovery`);
  await write(`${BINDINGS}system:discovery`, { ...discovery, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }] });
  const edit = await read(`${ROLES}edit`);
  await write(`${ROLES}edit`, { ...edit, metadata: { ...edit.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [added] });
  const before = (await store.get(`${ROLES}admin`))!.modRevision;

  await ensureBootstrapPolicy({ store });

  const v = await read(`${ROLES}view`);
  assert.deepEqual(v.rules, [...view.rules.slice(1), added, dropped]);
  assert.equal(v.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
  assert.equal(v.metadata.labels['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
  const d = await read(`${BINDINGS}system:discovery`);
  assert.deepEqual(d.subjects.map((s: { name: string }) => s.name), ['alice', 'system:authenticated']);
  assert.deepEqual((await read(`${ROLES}edit`)).rules, [added]);
  assert.equal((await store.get(`${ROLES}admin`))!.modRevision, before, 'an unchanged default is not rewritten');
});
