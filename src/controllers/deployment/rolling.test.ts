import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { newReplicaSetReplicas, oldReplicaSetsScaleDown } from './rolling.js';
import { maxUnavailable, resolveFenceposts } from './util.js';

function dep(replicas: number, surge: number | string, unavailable: number | string): Deployment {
  return { metadata: { name: 'd' }, spec: { replicas, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } } } as unknown as Deployment;
}

let seq = 0;
function rs(name: string, spec: number, available: number, actual = spec): ReplicaSet {
  seq++;
  return {
    metadata: { name, creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, seq)).toISOString() },
    spec: { replicas: spec, selector: {}, template: {} },
    status: { replicas: actual, availableReplicas: available },
  } as unknown as ReplicaSet;
}

describe('rolling update arithmetic', () => {
  it('fenceposts: surge rounds up, unavailable rounds down, never both 0', () => {
    assert.deepEqual(resolveFenceposts(dep(10, '25%', '25%')), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts(dep(3, '25%', '25%')), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(dep(1, 0, '10%')), { surge: 0, unavailable: 1 });
    assert.equal(maxUnavailable(dep(2, 0, 5)), 2);
  });

  const up: Array<{ why: string; d: Deployment; newRS: [number, number]; old: Array<[number, number]>; want: number }> = [
    { why: 'first step: up to maxSurge above desired', d: dep(10, 3, 2), newRS: [0, 0], old: [[10, 10]], want: 3 },
    { why: 'surge used up: no change', d: dep(10, 3, 2), newRS: [3, 0], old: [[10, 10]], want: 3 },
    { why: 'old scaled down by 2: new grows by 2', d: dep(10, 3, 2), newRS: [3, 3], old: [[8, 8]], want: 5 },
    { why: 'never past desired', d: dep(10, 3, 2), newRS: [9, 9], old: [[0, 0]], want: 10 },
    { why: 'above desired: back to desired', d: dep(4, 1, 1), newRS: [6, 6], old: [], want: 4 },
    { why: 'old RS still has pods its spec gave up: they count', d: dep(4, 1, 1), newRS: [1, 0], old: [[2, 2]], want: 1 },
  ];
  for (const c of up) {
    it(`new RS: ${c.why}`, () => {
      const n = rs('new', c.newRS[0], c.newRS[1]);
      const olds = c.old.map(([s, a], i) => rs(`old${i}`, s, a, c.why.includes('still has') ? 4 : s));
      assert.equal(newReplicaSetReplicas(c.d, n, [...olds, n]), c.want);
    });
  }

  const down: Array<{ why: string; d: Deployment; newRS: [number, number]; old: Array<[number, number]>; want: Record<string, number> }> = [
    { why: 'new pods not available yet: only maxUnavailable worth', d: dep(10, 3, 2), newRS: [3, 0], old: [[10, 10]], want: { old0: 8 } },
    { why: 'new pods available: old scales down to keep exactly minAvailable', d: dep(10, 3, 2), newRS: [3, 3], old: [[8, 8]], want: { old0: 5 } },
    { why: 'unhealthy old replicas go first, oldest RS first', d: dep(4, 1, 1), newRS: [1, 0], old: [[2, 0], [2, 2]], want: { old0: 1 } },
    { why: 'no room (surge used, new not available, maxUnavailable 0): nothing', d: dep(4, 1, 0), newRS: [1, 0], old: [[2, 0], [2, 2]], want: {} },
    { why: 'nothing to give: no change', d: dep(4, 1, 0), newRS: [1, 0], old: [[4, 4]], want: {} },
    { why: 'maxUnavailable 0 with a ready new pod: old drops by one', d: dep(3, 1, 0), newRS: [1, 1], old: [[3, 3]], want: { old0: 2 } },
  ];
  for (const c of down) {
    it(`old RSs: ${c.why}`, () => {
      const n = rs('new', c.newRS[0], c.newRS[1]);
      const olds = c.old.map(([s, a], i) => rs(`old${i}`, s, a));
      assert.deepEqual(Object.fromEntries(oldReplicaSetsScaleDown(c.d, n, olds)), c.want);
    });
  }

  it('a lagging old RS status never lets availability be counted twice', () => {
    // Old RS was scaled 10 → 8 but its status still says 10 available.
    const d = dep(10, 3, 2);
    const n = rs('new', 3, 0);
    const old = rs('old0', 8, 10, 10);
    assert.deepEqual(Object.fromEntries(oldReplicaSetsScaleDown(d, n, [old])), {});
  });
});
