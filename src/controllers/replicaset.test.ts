import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import type { ReplicaSet } from '../api/apps/v1/replica-set.js';
import { ReplicaSetKind } from '../api/apps/v1/replica-set.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import { PodKind } from '../api/core/v1/pod.js';
import { FakeClock } from '../client/fake-clock.js';
import { Expectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';
import { computeReplicaSetStatus, podFromTemplate } from './replicaset.js';
import { slowStartBatch } from './slow-start.js';
import { markPodsReady, startCluster, waitFor, type TestCluster } from './test-support.js';

const rs = {
  metadata: { name: 'web-abc', namespace: 'ns', uid: 'u1', generation: 4 },
  spec: { replicas: 3, minReadySeconds: 10, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
} as unknown as ReplicaSet;

function pod(labels: Record<string, string>, readySince?: number): Pod {
  return {
    metadata: { name: 'p', labels },
    status: readySince === undefined ? { phase: 'Pending' } : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(readySince).toISOString() }] },
  } as Pod;
}

describe('replicaset helpers', () => {
  it('expectations: block until every create is observed; deletions counted once per pod; expire after 5 min', async () => {
    const clock = new FakeClock({ start: 1_000_000 });
    const e = new Expectations({ clock });
    assert.ok(e.satisfied('k'));
    e.expectCreations('k', 2);
    assert.ok(!e.satisfied('k'));
    e.creationObserved('k');
    assert.ok(!e.satisfied('k'));
    e.creationObserved('k');
    assert.ok(e.satisfied('k'));
    e.expectDeletions('k', ['ns/a', 'ns/b']);
    e.deletionObserved('k', 'ns/a');
    e.deletionObserved('k', 'ns/a');
    assert.ok(!e.satisfied('k'), 'the same pod twice is one deletion');
    e.deletionObserved('k', 'ns/b');
    assert.ok(e.satisfied('k'));
    e.expectCreations('k', 1);
    await clock.advance(EXPECTATIONS_TIMEOUT_MS + 1);
    assert.ok(e.satisfied('k'), 'expired');
  });

  it('slow start: batches 1, 2, 4, … and stops after the first failing batch', async () => {
    const batches: number[] = [];
    let inBatch = 0;
    let calls = 0;
    const r = await slowStartBatch(10, 1, async () => {
      calls++;
      inBatch++;
      await Promise.resolve();
      if (inBatch > 0) {
        batches.push(inBatch);
        inBatch = 0;
      }
    });
    assert.equal(r.created, 10);
    assert.equal(calls, 10);
    let n = 0;
    const failing = await slowStartBatch(100, 1, async () => {
      n++;
      if (n >= 3) throw new Error('quota');
    });
    assert.equal(n, 3, 'batches of 1 then 2: the failure stops it');
    assert.equal(failing.created, 2);
    assert.match(String(failing.error), /quota/);
  });

  it('status counts fully labelled, ready and available (minReadySeconds) pods; ReplicaFailure on errors', () => {
    const now = Date.parse('2024-01-01T00:01:00Z');
    const pods = [pod({ app: 'web', tier: 'fe' }, now - 60_000), pod({ app: 'web' }, now - 5_000), pod({ app: 'web', tier: 'fe' })];
    const s = computeReplicaSetStatus(rs, pods, undefined, now);
    assert.deepEqual(
      { r: s.replicas, f: s.fullyLabeledReplicas, ready: s.readyReplicas, a: s.availableReplicas, g: s.observedGeneration, c: s.conditions },
      { r: 3, f: 2, ready: 2, a: 1, g: 4, c: undefined },
    );
    assert.deepEqual(computeReplicaSetStatus(rs, [], undefined, now), { replicas: 0, observedGeneration: 4 }, 'zero omitempty counters left out; replicas always printed');
    const failed = computeReplicaSetStatus(rs, pods.slice(0, 1), new Error('pods "x" is forbidden'), now);
    assert.equal(failed.conditions?.[0]?.type, 'ReplicaFailure');
    assert.equal(failed.conditions?.[0]?.reason, 'FailedCreate');
    assert.equal(computeReplicaSetStatus({ ...rs, status: failed } as ReplicaSet, pods, undefined, now).conditions, undefined, 'cleared once creates work');
  });

  it('pods from the template carry its labels and a controller reference', () => {
    const p = podFromTemplate(rs);
    assert.equal(p.metadata?.generateName, 'web-abc-');
    assert.deepEqual(p.metadata?.labels, { app: 'web', tier: 'fe' });
    assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
    assert.equal(p.spec?.containers?.[0]?.image, 'nginx');
  });
});

describe('replicaset controller (e2e)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ controllers: ['replicaset'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('one SuccessfulCreate event per pod, naming it; status counters as Go prints them, zeros left out and later removed', async () => {
    const api = c.client.resource<ReplicaSet>(ReplicaSetKind);
    await api.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'solo' }, spec: { replicas: 2, selector: { matchLabels: { app: 'solo' } }, template: { metadata: { labels: { app: 'solo' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } as ReplicaSet, { namespace: 'default' });
    const pods = await waitFor('two pods', async () => {
      const ps = (await c.client.resource<Pod>(PodKind).list({ namespace: 'default', labelSelector: 'app=solo' })).items;
      return ps.length === 2 ? ps : undefined;
    });
    const want = pods.map((p) => `Created pod: ${p.metadata?.name ?? ''}`).sort();
    await waitFor('SuccessfulCreate events', async () => {
      const evs = (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === 'solo' && e.reason === 'SuccessfulCreate');
      return JSON.stringify(evs.map((e) => e.message).sort()) === JSON.stringify(want);
    });
    const st = await waitFor('status', async () => {
      const s = (await api.get('solo', { namespace: 'default' })).status;
      return s?.replicas === 2 ? s : undefined;
    });
    assert.deepEqual(st, { replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 1 }, 'no readyReplicas: 0, availableReplicas: 0');

    const ready = markPodsReady(c.client, 'default', (p) => p.metadata?.labels?.app === 'solo');
    try {
      await waitFor('ready', async () => (await api.get('solo', { namespace: 'default' })).status?.availableReplicas === 2);
    } finally {
      await ready.stop();
    }
    // Scaled to zero: the counters that drop to 0 leave the stored status (a merge patch must null them).
    await api.patch('solo', { spec: { replicas: 0 } }, 'merge', { namespace: 'default' });
    const zero = await waitFor('scaled to zero', async () => {
      const s = (await api.get('solo', { namespace: 'default' })).status;
      return s?.replicas === 0 && s.observedGeneration === 2 ? s : undefined;
    });
    assert.deepEqual(zero, { replicas: 0, observedGeneration: 2 });
  });
});

describe('replicationcontroller controller (e2e)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startCluster({ controllers: ['replicationcontroller'] });
  });
  after(async () => {
    await c?.stop();
  });

  it('keeps spec.replicas pods of a ReplicationController (plain label selector), owned by it, and scales down', async () => {
    await c.kk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'default' }, spec: { replicas: 3, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } }));
    const list = () => c.client.resource<Pod>(PodKind).list({ namespace: 'default', labelSelector: 'app=legacy' }).then((l) => l.items.filter((p) => !p.metadata?.deletionTimestamp));
    const pods = await waitFor('three pods', async () => ((await list()).length === 3 ? list() : undefined));
    for (const p of pods) assert.deepEqual(p.metadata?.ownerReferences?.map((r) => [r.apiVersion, r.kind, r.name, r.controller]), [['v1', 'ReplicationController', 'legacy', true]]);
    await waitFor('status.replicas 3', async () => JSON.parse(await c.kk(['get', 'rc', 'legacy', '-o', 'json'])).status?.replicas === 3);
    await c.kk(['scale', 'rc', 'legacy', '--replicas=1']);
    await waitFor('one pod', async () => ((await list()).length === 1 ? true : undefined));
    await waitFor('status.replicas 1', async () => JSON.parse(await c.kk(['get', 'rc', 'legacy', '-o', 'json'])).status?.replicas === 1);
  });
});
