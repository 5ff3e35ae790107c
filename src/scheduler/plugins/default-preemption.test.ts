import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import { mkNodeInfo, mkPod } from '../testing.js';
import { nodeResourcesFitFilter } from './node-resources-fit.js';
import { pickCandidate, selectVictimsOnNode } from './default-preemption.js';

const prio = (p: Pod): number => p.spec?.priority ?? 0;
const withPrio = (name: string, cpu: string, priority: number): Pod => mkPod({ name, cpu, spec: { priority } });

describe('DefaultPreemption: selectVictimsOnNode', () => {
  const rows: Array<{ name: string; existing: Pod[]; pod: Pod; want: string[] | undefined }> = [
    { name: 'evicts the one lower-priority pod in the way', existing: [withPrio('low', '3', 1)], pod: withPrio('hi', '3', 100), want: ['low'] },
    { name: 'keeps lower pods that need not go (reprieve highest first)', existing: [withPrio('low1', '1', 1), withPrio('low5', '1', 5), withPrio('low3', '2', 3)], pod: withPrio('hi', '2', 100), want: ['low3'] },
    { name: 'never evicts equal or higher priority', existing: [withPrio('same', '4', 100)], pod: withPrio('hi', '1', 100), want: undefined },
    { name: 'not helpful when even evicting all lower pods is not enough', existing: [withPrio('low', '1', 1), withPrio('high', '3', 500)], pod: withPrio('hi', '2', 100), want: undefined },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const ni = mkNodeInfo({ cpu: '4' }, r.existing);
      const victims = selectVictimsOnNode(r.pod, ni, prio, (n) => nodeResourcesFitFilter(r.pod, n).code === 'Success');
      assert.deepEqual(victims?.map((v) => v.metadata?.name).sort(), r.want?.sort());
      // The real node is untouched by the dry run.
      assert.equal(ni.pods.size, r.existing.length);
    });
  }
});

describe('DefaultPreemption: pickCandidate', () => {
  it('prefers the lowest highest-victim priority, then the smallest sum, then fewest victims', () => {
    const c = pickCandidate(
      [
        { nodeName: 'a', victims: [withPrio('x', '1', 50)] },
        { nodeName: 'b', victims: [withPrio('y', '1', 10), withPrio('z', '1', 10)] },
        { nodeName: 'c', victims: [withPrio('w', '1', 10)] },
      ],
      prio,
    );
    assert.equal(c?.nodeName, 'c');
    assert.equal(pickCandidate([], prio), undefined);
  });
});
