import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { replicaSetsToCleanUp } from './history.js';
import { rolloutStatus } from './progress.js';
import { setNewReplicaSetAnnotations } from './rollback.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');

function dep(status: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Deployment {
  return {
    metadata: { name: 'web', generation: 2, annotations: { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: { replicas: 3, progressDeadlineSeconds: 60, revisionHistoryLimit: 1, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, ...extra },
    status,
  } as unknown as Deployment;
}

function rs(name: string, spec: number, st: { replicas?: number; available?: number; ready?: number } = {}, revision = 1): ReplicaSet {
  return {
    metadata: { name, generation: 1, annotations: { 'deployment.kubernetes.io/revision': String(revision) } },
    spec: { replicas: spec, selector: {}, template: {} },
    status: { replicas: st.replicas ?? spec, availableReplicas: st.available ?? 0, readyReplicas: st.ready ?? st.available ?? 0, observedGeneration: 1 },
  } as unknown as ReplicaSet;
}

const cond = (s: any, type: string) => s.conditions?.find((c: any) => c.type === type);

describe('deployment status and conditions', () => {
  it('complete rollout: counts, Available, Progressing NewReplicaSetAvailable', () => {
    const n = rs('web-new', 3, { available: 3 });
    const { status, requeueAfterMs } = rolloutStatus(dep({ observedGeneration: 1 }), [rs('web-old', 0), n], n, NOW);
    assert.deepEqual(
      { r: status.replicas, u: status.updatedReplicas, a: status.availableReplicas, ready: status.readyReplicas, g: status.observedGeneration },
      { r: 3, u: 3, a: 3, ready: 3, g: 2 },
    );
    assert.ok(!('unavailableReplicas' in status), 'a zero counter is left out, as Go omitempty does');
    assert.equal(cond(status, 'Available').reason, 'MinimumReplicasAvailable');
    assert.equal(cond(status, 'Progressing').reason, 'NewReplicaSetAvailable');
    assert.equal(cond(status, 'Progressing').message, 'ReplicaSet "web-new" has successfully progressed.');
    assert.equal(requeueAfterMs, undefined);
  });

  it('progress: ReplicaSetUpdated and a requeue at the deadline', () => {
    const n = rs('web-new', 1, { available: 0 });
    const { status, requeueAfterMs } = rolloutStatus(dep({ updatedReplicas: 0, replicas: 3 }), [rs('web-old', 3, { available: 3 }), n], n, NOW);
    assert.deepEqual([status.replicas, status.updatedReplicas, status.availableReplicas, status.unavailableReplicas], [4, 1, 3, 1]);
    const scaledToZero = rolloutStatus(dep({}, { replicas: 0 }), [rs('web-new', 0)], rs('web-new', 0), NOW).status;
    assert.deepEqual(
      ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'].filter((k) => k in scaledToZero),
      [],
      'no replicas: 0, updatedReplicas: 0, …',
    );
    assert.equal(cond(status, 'Progressing').reason, 'ReplicaSetUpdated');
    assert.equal(cond(status, 'Available').status, 'True', '3 of 3 old ones still available (maxUnavailable 0)');
    assert.ok(requeueAfterMs !== undefined && requeueAfterMs > 50_000 && requeueAfterMs <= 62_000, `requeue in ~60 s, got ${requeueAfterMs}`);
  });

  it('no progress past the deadline: ProgressDeadlineExceeded; too few available: MinimumReplicasUnavailable', () => {
    const old = new Date(NOW - 120_000).toISOString();
    const n = rs('web-new', 3, { available: 0 });
    const d = dep({ replicas: 3, updatedReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: old, lastTransitionTime: old }] });
    const { status } = rolloutStatus(d, [n], n, NOW);
    assert.equal(cond(status, 'Progressing').reason, 'ProgressDeadlineExceeded');
    assert.equal(cond(status, 'Progressing').status, 'False');
    assert.equal(cond(status, 'Available').reason, 'MinimumReplicasUnavailable');
  });

  it('ReplicaFailure is copied from the ReplicaSets', () => {
    const n = rs('web-new', 3);
    (n.status as any).conditions = [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'forbidden' }];
    const { status } = rolloutStatus(dep(), [n], n, NOW);
    assert.equal(cond(status, 'ReplicaFailure').reason, 'FailedCreate');
  });

  it('history cleanup: lowest revisions first, only empty and settled ReplicaSets', () => {
    const olds = [rs('r1', 0, {}, 1), rs('r2', 0, {}, 2), rs('r3', 1, {}, 3)];
    assert.deepEqual(replicaSetsToCleanUp(dep(), olds).map((r) => r.metadata?.name), ['r1', 'r2']);
    assert.deepEqual(replicaSetsToCleanUp(dep({}, { revisionHistoryLimit: 5 }), olds), []);
  });

  it('new ReplicaSet annotations: deployment annotations copied (not last-applied), revision raised with history', () => {
    const r = rs('web-x', 1, {}, 1);
    assert.ok(setNewReplicaSetAnnotations(dep(), r, 3));
    const a = r.metadata?.annotations ?? {};
    assert.equal(a['deployment.kubernetes.io/revision'], '3');
    assert.equal(a['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(a['kubernetes.io/change-cause'], 'v2');
    assert.equal(a['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    assert.equal(a['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(a['deployment.kubernetes.io/max-replicas'], '4');
    assert.ok(!setNewReplicaSetAnnotations(dep(), r, 3), 'idempotent');
  });
});
