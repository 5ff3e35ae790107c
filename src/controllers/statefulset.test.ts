import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StatefulSet } from '../api/apps/v1/stateful-set.js';
import { StatefulSetKind } from '../api/apps/v1/stateful-set.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import type { PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { PersistentVolumeClaimKind } from '../api/core/v1/persistent-volume-claim.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { applyDefaults, validateObject } from '../api/schema/index.js';
import { ordinalOf, statefulClaims, statefulPod } from './statefulset-pod.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

const set = {
  metadata: { name: 'web', namespace: 'ns', uid: 'u' },
  spec: {
    replicas: 3,
    serviceName: 'nginx',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
} as unknown as StatefulSet;

describe('statefulset identity (pure)', () => {
  it('ordinals, hostname/subdomain, identity labels and claim volumes', () => {
    assert.equal(ordinalOf('web', 'web-12'), 12);
    assert.equal(ordinalOf('web', 'web-01'), undefined);
    assert.equal(ordinalOf('web', 'webx-1'), undefined);
    const p = statefulPod(set, 2, set.spec!.template!, 'h');
    assert.equal(p.metadata?.name, 'web-2');
    assert.equal(p.spec?.hostname, 'web-2');
    assert.equal(p.spec?.subdomain, 'nginx');
    assert.equal(p.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-2');
    assert.equal(p.metadata?.labels?.['controller-revision-hash'], 'h');
    assert.deepEqual(p.spec?.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-2' } }]);
    // The pod validates as a Pod: its mount of the claim template now names a volume.
    const pod = structuredClone(p);
    applyDefaults(PodKind, pod as Record<string, unknown>);
    assert.deepEqual(validateObject(PodKind, pod), []);
    const [claim] = statefulClaims(set, 2);
    assert.equal(claim?.metadata?.name, 'data-web-2');
    assert.deepEqual(claim?.metadata?.labels, { app: 'web' });
  });
});

describe('statefulset controller (e2e)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ controllers: ['statefulset'] });
  });
  after(async () => {
    await c?.stop();
  });
  const podsApi = () => c.client.resource<Pod>(PodKind);
  const get = (n: string) => podsApi().get(n, { namespace: 'default' }).catch(() => undefined);
  const markReady = async (n: string) => {
    // Bound, so that deletion is graceful (an unbound pod is removed at once) — as on a real node.
    await podsApi().subresource('binding').create(n, { apiVersion: 'v1', kind: 'Binding', metadata: { name: n }, target: { kind: 'Node', name: 'n1' } } as never, { namespace: 'default' });
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await podsApi().subresource('status').patch(n, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, 'merge', { namespace: 'default' });
  };

  it('OrderedReady: creates web-0..2 one at a time with their claims; scales down from the highest ordinal', async () => {
    const s = structuredClone(set);
    s.metadata = { name: 'web' };
    // The template mounts its claim template 'data', which has no volume of that name: the real kubectl applies it.
    const out = await c.kk(['apply', '-n', 'default', '-f', '-'], JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', ...s }));
    assert.match(out, /statefulset\.apps\/web created/);
    for (let i = 0; i < 3; i++) {
      // The server validated each pod on create: its mount names the claim volume the controller added.
      const p = await waitFor(`web-${i}`, () => get(`web-${i}`));
      assert.equal(await get(`web-${i + 1}`), undefined, `web-${i + 1} waits for web-${i} to be Ready`);
      assert.equal(p.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName, `data-web-${i}`);
      assert.deepEqual(p.spec?.containers?.[0]?.volumeMounts?.map((m) => m.name), ['data']);
      await c.client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind).get(`data-web-${i}`, { namespace: 'default' });
      await markReady(`web-${i}`);
    }
    await waitFor('status', async () => {
      const st = (await c.client.resource<StatefulSet>(StatefulSetKind).get('web', { namespace: 'default' })).status;
      return st?.replicas === 3 && st.readyReplicas === 3 && st.currentRevision === st.updateRevision && st.updatedReplicas === 3;
    });
    // Upstream's events for the claim and the pod of each ordinal.
    await waitFor('claim and pod events', async () => {
      const msgs = (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === 'web' && e.reason === 'SuccessfulCreate').map((e) => e.message);
      return [0, 1, 2].every((i) => msgs.includes(`create Claim data-web-${i} Pod web-${i} in StatefulSet web success`) && msgs.includes(`create Pod web-${i} in StatefulSet web successful`));
    });

    await c.client.resource<StatefulSet>(StatefulSetKind).patch('web', { spec: { replicas: 1 } }, 'merge', { namespace: 'default' });
    await waitFor('web-2 terminating', async () => (await get('web-2'))?.metadata?.deletionTimestamp);
    assert.equal((await get('web-1'))?.metadata?.deletionTimestamp, undefined, 'web-1 waits for web-2 to be gone');
    await podsApi().delete('web-2', { namespace: 'default', gracePeriodSeconds: 0 }); // the kubelet's part
    await waitFor('web-1 terminating', async () => (await get('web-1'))?.metadata?.deletionTimestamp);
    assert.equal((await get('web-0'))?.metadata?.deletionTimestamp, undefined);
  });

  it('status as Go prints it: replicas, availableReplicas and collisionCount even at 0, the omitempty counters left out', async () => {
    const api = c.client.resource<StatefulSet>(StatefulSetKind);
    await api.create(
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'idle' }, spec: { replicas: 0, selector: { matchLabels: { app: 'idle' } }, template: { metadata: { labels: { app: 'idle' } }, spec: { containers: [{ name: 'c', image: 'idle:1' }] } } } } as StatefulSet,
      { namespace: 'default' },
    );
    const st = await waitFor('idle status', async () => {
      const s = (await api.get('idle', { namespace: 'default' })).status;
      return s?.updateRevision ? s : undefined;
    });
    assert.deepEqual(Object.keys(st).sort(), ['availableReplicas', 'collisionCount', 'currentRevision', 'observedGeneration', 'replicas', 'updateRevision']);
    assert.deepEqual([st.replicas, st.availableReplicas, st.collisionCount], [0, 0, 0]);
  });

  it('rolling update: highest ordinal first, stops at the partition, then finishes when the partition drops', async () => {
    const api = c.client.resource<StatefulSet>(StatefulSetKind);
    await api.create(
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 3, podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'db:1' }] } } } } as StatefulSet,
      { namespace: 'default' },
    );
    const readyAll = async () => {
      for (const n of ['db-0', 'db-1', 'db-2']) {
        const p = await get(n);
        // The kubelet's part: start new pods, finish deleting terminating ones.
        if (p?.metadata?.deletionTimestamp) await podsApi().delete(n, { namespace: 'default', gracePeriodSeconds: 0 }).catch(() => {});
        else if (p && !p.spec?.nodeName) await markReady(n);
      }
    };
    await waitFor('3 ready pods', async () => {
      await readyAll();
      return (await api.get('db', { namespace: 'default' })).status?.readyReplicas === 3;
    });
    await api.patch('db', { spec: { template: { spec: { containers: [{ name: 'c', image: 'db:2' }] } } } }, 'strategic', { namespace: 'default' });
    const order: string[] = [];
    const image = async (n: string) => (await get(n))?.spec?.containers?.[0]?.image;
    await waitFor('db-2 and db-1 updated', async () => {
      await readyAll();
      for (const n of ['db-2', 'db-1']) if (!order.includes(n) && (await image(n)) === 'db:2') order.push(n);
      return order.length === 2;
    });
    assert.deepEqual(order, ['db-2', 'db-1'], 'highest ordinal first');
    assert.equal(await image('db-0'), 'db:1', 'below the partition');
    const st = (await api.get('db', { namespace: 'default' })).status;
    assert.notEqual(st?.currentRevision, st?.updateRevision);
    await api.patch('db', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, 'merge', { namespace: 'default' });
    await waitFor('db-0 updated and revisions equal', async () => {
      await readyAll();
      const s = (await api.get('db', { namespace: 'default' })).status;
      return (await image('db-0')) === 'db:2' && s?.currentRevision === s?.updateRevision && s?.updatedReplicas === 3;
    });
  });
});
