import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { PriorityClassKind } from '../../api/scheduling/v1/priority-class.js';
import { startHarness, type Harness } from '../resources/test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness({ kinds: [PriorityClassKind] });
});
after(async () => {
  await h.close();
});

test('the system PriorityClasses exist from the start, as upstream bootstraps them', async () => {
  const r = await h.req('GET', '/apis/scheduling.k8s.io/v1/priorityclasses');
  assert.equal(r.status, 200);
  const got = r.body.items.map((pc: { metadata: { name: string }; value: number; preemptionPolicy: string; description: string }) => [pc.metadata.name, pc.value, pc.preemptionPolicy, pc.description.slice(0, 30)]);
  assert.deepEqual(got, [
    ['system-cluster-critical', 2000000000, 'PreemptLowerPriority', 'Used for system critical pods '],
    ['system-node-critical', 2000001000, 'PreemptLowerPriority', 'Used for system critical pods '],
  ]);
});
