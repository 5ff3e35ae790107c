import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/fake-clock.js';
import type { Pod } from '../api/core/v1/pod.js';
import { SchedulingQueue } from './queue.js';
import { prioritySortLess } from './plugins/priority-sort.js';
import { mkPod } from './testing.js';

const prio = (p: Pod): number => p.spec?.priority ?? 0;
const mk = (clock: FakeClock) => new SchedulingQueue({ less: prioritySortLess, priorityOf: prio, clock, initialBackoffMs: 1000, maxBackoffMs: 10_000 });

describe('SchedulingQueue', () => {
  it('pops by priority, then first come first served', async () => {
    const clock = new FakeClock();
    const q = mk(clock);
    q.add(mkPod({ name: 'a', spec: { priority: 1 } }));
    await clock.advance(1);
    q.add(mkPod({ name: 'b', spec: { priority: 5 } }));
    await clock.advance(1);
    q.add(mkPod({ name: 'c', spec: { priority: 1 } }));
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.pop())?.pod.metadata?.name);
    assert.deepEqual(order, ['b', 'a', 'c']);
    q.close();
  });

  it('pop waits for a pod and is released by close()', async () => {
    const q = mk(new FakeClock());
    const p = q.pop();
    q.add(mkPod({ name: 'x' }));
    assert.equal((await p)?.pod.metadata?.name, 'x');
    const pending = q.pop();
    q.close();
    assert.equal(await pending, undefined);
  });

  it('unschedulable pods wait for an event, then back off 1 s → 2 s … ≤ 10 s', async () => {
    const clock = new FakeClock();
    const q = mk(clock);
    q.add(mkPod({ name: 'x' }));
    let item = await q.pop();
    assert.ok(item);
    q.addUnschedulable(item, q.schedulingCycle);
    assert.deepEqual(q.sizes(), { active: 0, backoff: 0, unschedulable: 1, inFlight: 0 });
    q.moveAllOnEvent('NodeAdd');
    // Still inside its 1 s backoff: it goes to backoffQ, then active when that expires.
    assert.equal(q.sizes().backoff, 1);
    await clock.advance(1000);
    assert.equal(q.sizes().active, 1);
    item = await q.pop();
    assert.ok(item);
    assert.equal(item.attempts, 2);
    assert.equal(q.backoffDurationMs(item), 2000);
    item.attempts = 10;
    assert.equal(q.backoffDurationMs(item), 10_000);
    q.close();
  });

  it('a pod that fails while an event arrives goes to backoff, not unschedulable', async () => {
    const clock = new FakeClock();
    const q = mk(clock);
    q.add(mkPod({ name: 'x' }));
    const item = await q.pop();
    assert.ok(item);
    const cycle = q.schedulingCycle;
    q.moveAllOnEvent('NodeAdd'); // mid-cycle
    q.addUnschedulable(item, cycle);
    assert.deepEqual(q.sizes(), { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
    q.close();
  });

  it('a spec change moves an unschedulable pod out; delete removes it', async () => {
    const clock = new FakeClock();
    const q = mk(clock);
    q.add(mkPod({ name: 'x', cpu: '9' }));
    const item = await q.pop();
    assert.ok(item);
    q.addUnschedulable(item, q.schedulingCycle);
    q.update(mkPod({ name: 'x', cpu: '9' }));
    assert.equal(q.sizes().unschedulable, 1);
    q.update(mkPod({ name: 'x', cpu: '1' }));
    assert.equal(q.sizes().unschedulable, 0);
    q.delete(mkPod({ name: 'x' }));
    assert.deepEqual(q.sizes(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
    q.close();
  });
});
