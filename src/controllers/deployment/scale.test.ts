import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { proportionalSizes } from './scale.js';

const dep = (replicas: number, surge: number, statusReplicas = 0) =>
  ({ spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: 2 } } }, status: { replicas: statusReplicas } }) as unknown as Deployment;

const rs = (name: string, replicas: number, maxReplicas: number | undefined, created: string) =>
  ({
    metadata: { name, creationTimestamp: created, annotations: maxReplicas === undefined ? {} : { 'deployment.kubernetes.io/max-replicas': String(maxReplicas) } },
    spec: { replicas },
  }) as unknown as ReplicaSet;

describe('proportional scaling during a rollout', () => {
  const cases: Array<{ why: string; d: Deployment; rss: ReplicaSet[]; want: Record<string, number> }> = [
    {
      // The example in the Kubernetes documentation: 10 → 15 replicas, maxSurge 3, mid-rollout 8 old + 5 new.
      why: 'scale up 10 → 15: 3 to the old RS, 2 to the new',
      d: dep(15, 3),
      rss: [rs('old', 8, 13, '2024-01-01T00:00:00Z'), rs('new', 5, 13, '2024-01-02T00:00:00Z')],
      want: { old: 11, new: 7 },
    },
    {
      why: 'scale down 15 → 5: shares shrink in proportion',
      d: dep(5, 3),
      rss: [rs('old', 11, 18, '2024-01-01T00:00:00Z'), rs('new', 7, 18, '2024-01-02T00:00:00Z')],
      want: { old: 5, new: 3 },
    },
    {
      why: 'equal sizes: the budget goes newest first until spent',
      d: dep(4, 1),
      rss: [rs('a', 1, 3, '2024-01-01T00:00:00Z'), rs('b', 1, 3, '2024-01-02T00:00:00Z'), rs('c', 1, 3, '2024-01-03T00:00:00Z')],
      want: { c: 2, b: 2, a: 1 }, // toAdd 2: each gets round(1·5/3)−1 = 1 until the budget is spent
    },
    {
      why: 'to zero: every RS goes to 0',
      d: dep(0, 1),
      rss: [rs('a', 3, 5, '2024-01-01T00:00:00Z'), rs('b', 2, 5, '2024-01-02T00:00:00Z')],
      want: { a: 0, b: 0 },
    },
  ];
  for (const c of cases) {
    it(c.why, () => {
      assert.deepEqual(Object.fromEntries(proportionalSizes(c.d, c.rss)), c.want);
    });
  }

  it('the total always lands on replicas + maxSurge', () => {
    for (let desired = 1; desired <= 30; desired += 7) {
      const rss = [rs('a', 5, 9, '2024-01-01T00:00:00Z'), rs('b', 3, 9, '2024-01-02T00:00:00Z'), rs('c', 1, 9, '2024-01-03T00:00:00Z')];
      const sizes = [...proportionalSizes(dep(desired, 2), rss).values()];
      assert.equal(sizes.reduce((a, b) => a + b, 0), desired + 2, `desired ${desired}: ${sizes.join(',')}`);
      assert.ok(sizes.every((n) => n >= 0));
    }
  });
});
