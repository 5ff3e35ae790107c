import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from '../api/apps/v1/replica-set.js';
import { ReplicaSetKind } from '../api/apps/v1/replica-set.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

describe('garbage collector (e2e)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ controllers: ['deployment', 'replicaset', 'garbage-collector'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('kubectl delete --cascade=orphan leaves the ReplicaSet with no ownerReferences field (not an empty list); its other owners stay', async () => {
    await c.kk(['create', 'deployment', 'web', '--image=nginx', '--replicas=1', '-n', 'default']);
    const rs = await waitFor('the Deployment’s ReplicaSet', async () => (await c.client.resource<ReplicaSet>(ReplicaSetKind).list({ namespace: 'default' })).items.find((r) => r.metadata?.ownerReferences?.[0]?.name === 'web'));
    const pod = await waitFor('its pod', async () => (await c.client.resource<Pod>(PodKind).list({ namespace: 'default' })).items.find((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid));
    // A second, non-controller owner of the pod: orphaning from one owner keeps the other.
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: (await c.client.request<{ metadata: { uid: string } }>({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keeper' } } })).metadata.uid };
    await c.client.resource<Pod>(PodKind).patch(pod.metadata?.name ?? '', { metadata: { ownerReferences: [...(pod.metadata?.ownerReferences ?? []), other] } }, 'merge', { namespace: 'default' });

    await c.kk(['delete', 'deployment', 'web', '--cascade=orphan', '-n', 'default']);
    const orphan = await waitFor('orphaned ReplicaSet', async () => {
      const r = await c.client.resource<ReplicaSet>(ReplicaSetKind).get(rs.metadata?.name ?? '', { namespace: 'default' });
      return r.metadata?.ownerReferences?.length ? undefined : r;
    });
    assert.ok(!('ownerReferences' in (orphan.metadata ?? {})), `ownerReferences: ${JSON.stringify(orphan.metadata?.ownerReferences)}`);
    assert.doesNotMatch(await c.kk(['get', 'rs', rs.metadata?.name ?? '', '-n', 'default', '-o', 'yaml']), /ownerReferences/);

    // The same through the collector's own path: deleting the ReplicaSet with orphan keeps the pod and its other owner.
    await c.kk(['delete', 'rs', rs.metadata?.name ?? '', '--cascade=orphan', '-n', 'default']);
    const kept = await waitFor('pod released from the ReplicaSet', async () => {
      const p = await c.client.resource<Pod>(PodKind).get(pod.metadata?.name ?? '', { namespace: 'default' });
      return p.metadata?.ownerReferences?.some((r) => r.kind === 'ReplicaSet') ? undefined : p;
    });
    assert.deepEqual(kept.metadata?.ownerReferences?.map((r) => r.name), ['keeper']);
  });
});
