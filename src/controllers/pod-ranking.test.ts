import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import { comparePodsForDeletion, podsToDelete, POD_DELETION_COST } from './pod-ranking.js';

interface P {
  name: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: string;
  cost?: number;
  restarts?: number;
  created?: string;
}

function pod(p: P): Pod {
  return {
    metadata: {
      name: p.name,
      ...(p.created ? { creationTimestamp: p.created } : {}),
      ...(p.cost !== undefined ? { annotations: { [POD_DELETION_COST]: String(p.cost) } } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(p.node ? { nodeName: p.node } : {}) },
    status: {
      phase: p.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: p.ready ? 'True' : 'False', ...(p.readySince ? { lastTransitionTime: p.readySince } : {}) }],
      containerStatuses: [{ name: 'c', ready: !!p.ready, restartCount: p.restarts ?? 0, image: 'i', imageID: '' }],
    },
  } as Pod;
}

describe('pod deletion ranking (ActivePodsWithRanks)', () => {
  const cases: Array<{ why: string; first: P; second: P }> = [
    { why: 'unassigned before assigned', first: { name: 'a', phase: 'Running', ready: true }, second: { name: 'b', node: 'n1', phase: 'Pending' } },
    { why: 'Pending before Unknown', first: { name: 'a', node: 'n', phase: 'Pending' }, second: { name: 'b', node: 'n', phase: 'Unknown' } },
    { why: 'Unknown before Running', first: { name: 'a', node: 'n', phase: 'Unknown' }, second: { name: 'b', node: 'n', phase: 'Running' } },
    { why: 'not ready before ready', first: { name: 'a', node: 'n', ready: false }, second: { name: 'b', node: 'n', ready: true } },
    { why: 'lower deletion cost first', first: { name: 'a', node: 'n', ready: true, cost: -5 }, second: { name: 'b', node: 'n', ready: true, cost: 10 } },
    {
      why: 'ready for less time first',
      first: { name: 'a', node: 'n', ready: true, readySince: '2024-01-02T00:00:00Z' },
      second: { name: 'b', node: 'n', ready: true, readySince: '2024-01-01T00:00:00Z' },
    },
    { why: 'more restarts first', first: { name: 'a', node: 'n', ready: true, restarts: 5 }, second: { name: 'b', node: 'n', ready: true, restarts: 1 } },
    { why: 'newer before older', first: { name: 'a', node: 'n', ready: true, created: '2024-02-01T00:00:00Z' }, second: { name: 'b', node: 'n', ready: true, created: '2024-01-01T00:00:00Z' } },
    { why: 'no creation time first', first: { name: 'a', node: 'n', ready: true }, second: { name: 'b', node: 'n', ready: true, created: '2024-01-01T00:00:00Z' } },
  ];
  for (const c of cases) {
    it(c.why, () => {
      assert.ok(comparePodsForDeletion(pod(c.first), pod(c.second)) < 0, 'first sorts first');
      assert.ok(comparePodsForDeletion(pod(c.second), pod(c.first)) > 0, 'and not the other way round');
    });
  }

  it('an earlier rule wins over a later one (unassigned + ready beats assigned + not ready)', () => {
    assert.ok(comparePodsForDeletion(pod({ name: 'a', ready: true, restarts: 0 }), pod({ name: 'b', node: 'n', ready: false, restarts: 9 })) < 0);
  });

  it('podsToDelete prefers pods doubled up on a node', () => {
    const pods = [pod({ name: 'solo', node: 'n1', ready: true }), pod({ name: 'x1', node: 'n2', ready: true }), pod({ name: 'x2', node: 'n2', ready: true })];
    const victims = podsToDelete(pods, 1).map((p) => p.metadata?.name);
    assert.ok(victims[0] === 'x1' || victims[0] === 'x2', `got ${victims.join(',')}`);
    assert.deepEqual(podsToDelete(pods, 0), []);
    assert.equal(podsToDelete(pods, 5).length, 3);
  });
});
