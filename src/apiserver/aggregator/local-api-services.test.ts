import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinGroupVersions, Registry } from '../../api/registry.js';
import { validateObject } from '../../api/schema/index.js';
import { APIServiceKind } from '../../api/apiregistration/v1/index.js';
import { AUTOMANAGED_LABEL, isRemovable, localApiService, localApiServices } from './local-api-services.js';

test('local APIServices: one per built-in group version, named as upstream', () => {
  const all = localApiServices(new Registry().list());
  const names = all.map((s) => s.metadata?.name);
  for (const want of ['v1.', 'v1.apps', 'v1.batch', 'v1.autoscaling', 'v2.autoscaling', 'v1.apiregistration.k8s.io', 'v1beta1.metrics.k8s.io', 'v1.rbac.authorization.k8s.io']) {
    assert.ok(names.includes(want), want);
  }
  assert.equal(all.length, builtinGroupVersions.length);
  for (const svc of all) {
    assert.equal(svc.spec?.service, undefined);
    assert.equal(svc.metadata?.labels?.[AUTOMANAGED_LABEL], 'onstart');
    assert.deepEqual(validateObject(APIServiceKind, svc), [], svc.metadata?.name);
  }
});

test('local APIServices: upstream’s priorities; CRD groups at 1000/100 and removable once gone', () => {
  const by = new Map(localApiServices(new Registry().list()).map((s) => [s.metadata?.name, s.spec]));
  assert.deepEqual([by.get('v1.')?.groupPriorityMinimum, by.get('v1.')?.versionPriority], [18000, 1]);
  assert.deepEqual([by.get('v1.apps')?.groupPriorityMinimum, by.get('v1.apps')?.versionPriority], [17800, 15]);
  assert.deepEqual([by.get('v2.autoscaling')?.versionPriority, by.get('v1.autoscaling')?.versionPriority], [30, 15]);
  const crd = localApiService({ group: 'stable.example.com', version: 'v1' });
  assert.equal(crd.metadata?.name, 'v1.stable.example.com');
  assert.deepEqual([crd.spec?.groupPriorityMinimum, crd.spec?.versionPriority], [1000, 100]);
  assert.equal(crd.metadata?.labels?.[AUTOMANAGED_LABEL], 'true');
  assert.equal(isRemovable(crd, new Set(['v1.stable.example.com'])), false);
  assert.equal(isRemovable(crd, new Set()), true);
  assert.equal(isRemovable(localApiService({ group: 'apps', version: 'v1' }), new Set()), false, 'built-ins are never removed');
});

test('local APIServices: versions without kinds are skipped', () => {
  const names = localApiServices([{ group: 'x.example.com', version: 'v1', kinds: [] }, ...new Registry().list()]).map((s) => s.metadata?.name);
  assert.ok(!names.includes('v1.x.example.com'));
});
