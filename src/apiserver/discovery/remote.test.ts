import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../api/registry.js';
import { aggregatedDiscovery, apiGroupDocument, apiGroupList } from './documents.js';
import { aggregatedResources, type RemoteGroupVersion } from './remote.js';

const wardle: RemoteGroupVersion = {
  group: 'wardle.example.com',
  version: 'v1alpha1',
  groupPriorityMinimum: 1000,
  versionPriority: 15,
  resources: [
    { name: 'flunders', singularName: 'flunder', namespaced: true, kind: 'Flunder', verbs: ['get', 'list'], shortNames: ['fl'] },
    { name: 'flunders/status', singularName: '', namespaced: true, kind: 'Flunder', verbs: ['get'] },
    { name: 'fischers', singularName: 'fischer', namespaced: false, kind: 'Fischer', verbs: ['list'] },
  ],
};

test('remote resources in aggregated form: sorted, subresources folded into their parent', () => {
  assert.deepEqual(aggregatedResources('wardle.example.com', 'v1alpha1', wardle.resources ?? []), [
    { resource: 'fischers', responseKind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Fischer' }, scope: 'Cluster', singularResource: 'fischer', verbs: ['list'] },
    {
      resource: 'flunders',
      responseKind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' },
      scope: 'Namespaced',
      singularResource: 'flunder',
      verbs: ['get', 'list'],
      shortNames: ['fl'],
      subresources: [{ subresource: 'status', responseKind: { group: 'wardle.example.com', version: 'v1alpha1', kind: 'Flunder' }, verbs: ['get'] }],
    },
  ]);
});

test('aggregated /apis: a new remote group follows the local ones; one never fetched is left out', () => {
  const registry = new Registry();
  const without = aggregatedDiscovery(registry, 'apis', 'v2') as { items: Array<{ metadata: { name: string } }> };
  const doc = aggregatedDiscovery(registry, 'apis', 'v2', [wardle, { ...wardle, group: 'unfetched.example.com', resources: undefined }]) as typeof without;
  assert.equal(doc.items.length, without.items.length + 1);
  const last = doc.items.at(-1) as unknown as { metadata: { name: string }; versions: Array<{ version: string; freshness: string; resources: unknown[] }> };
  assert.equal(last.metadata.name, 'wardle.example.com');
  assert.deepEqual(last.versions.map((v) => [v.version, v.freshness, v.resources.length]), [['v1alpha1', 'Current', 2]]);
  const stale = aggregatedDiscovery(registry, 'apis', 'v2beta1', [{ ...wardle, stale: true }]) as typeof without;
  assert.equal((stale.items.at(-1) as unknown as { versions: Array<{ freshness: string }> }).versions[0]?.freshness, 'Stale');
});

test('aggregated /apis: a remote metrics.k8s.io/v1beta1 replaces the built-in one in place', () => {
  const registry = new Registry();
  const metrics: RemoteGroupVersion = {
    group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100,
    resources: [{ name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] }],
  };
  const before = aggregatedDiscovery(registry, 'apis', 'v2') as { items: Array<{ metadata: { name: string }; versions: Array<{ resources: unknown[] }> }> };
  const after = aggregatedDiscovery(registry, 'apis', 'v2', [metrics]) as typeof before;
  assert.equal(after.items.length, before.items.length);
  const i = after.items.findIndex((g) => g.metadata.name === 'metrics.k8s.io');
  assert.equal(before.items[i]?.metadata.name, 'metrics.k8s.io');
  assert.equal(after.items[i]?.versions.length, 1);
  assert.deepEqual(after.items[i]?.versions[0]?.resources.map((r) => (r as { resource: string }).resource), ['nodes']);
});

test('legacy /apis and /apis/<group>: every registered remote version, fetched or not, by priority', () => {
  const registry = new Registry();
  const v1beta1: RemoteGroupVersion = { ...wardle, version: 'v1beta1', versionPriority: 20, resources: undefined };
  const list = apiGroupList(registry, [wardle, v1beta1]) as { groups: Array<{ name: string; versions: Array<{ groupVersion: string }>; preferredVersion?: { version: string } }> };
  const g = list.groups.at(-1);
  assert.equal(g?.name, 'wardle.example.com');
  assert.deepEqual(g?.versions.map((v) => v.groupVersion), ['wardle.example.com/v1beta1', 'wardle.example.com/v1alpha1']);
  assert.equal(g?.preferredVersion?.version, 'v1beta1');
  assert.deepEqual(apiGroupDocument(registry, 'wardle.example.com', [wardle]), {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: 'wardle.example.com',
    versions: [{ groupVersion: 'wardle.example.com/v1alpha1', version: 'v1alpha1' }],
    preferredVersion: { groupVersion: 'wardle.example.com/v1alpha1', version: 'v1alpha1' },
  });
  assert.equal(apiGroupDocument(registry, 'wardle.example.com'), undefined);
});

test('remote groups sort by groupPriorityMinimum, then name', () => {
  const registry = new Registry();
  const a = { ...wardle, group: 'a.example.com' };
  const z = { ...wardle, group: 'z.example.com', groupPriorityMinimum: 2000 };
  const list = apiGroupList(registry, [a, wardle, z]) as { groups: Array<{ name: string }> };
  assert.deepEqual(list.groups.slice(-3).map((g) => g.name), ['z.example.com', 'a.example.com', 'wardle.example.com']);
});
