import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { limitConcurrency } from './concurrency.js';

/** A call that stays open until its test releases it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('limitConcurrency', () => {
  it('runs at most `limit` calls at once and starts waiters in arrival order', async () => {
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const f = limitConcurrency(2, async (i: number) => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await (gates[i] as ReturnType<typeof gate>).promise;
      running--;
      return i * 10;
    });
    const results = [0, 1, 2, 3, 4].map((i) => f(i));
    await tick();
    assert.deepEqual(started, [0, 1]);
    gates[1]?.open();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    gates[0]?.open();
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3]);
    for (const g of gates) g.open();
    assert.deepEqual(await Promise.all(results), [0, 10, 20, 30, 40]);
    assert.equal(peak, 2);
  });

  it('frees the slot when a call fails', async () => {
    const f = limitConcurrency(1, async (fail: boolean) => {
      await tick();
      if (fail) throw new Error('boom');
      return 'ok';
    });
    const a = f(true);
    const b = f(false);
    await assert.rejects(a, /boom/);
    assert.equal(await b, 'ok');
    assert.equal(await f(false), 'ok');
  });

  it('drains a long queue (thousands waiting) completely', async () => {
    let running = 0;
    let peak = 0;
    const f = limitConcurrency(3, async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return i;
    });
    const n = 5000;
    const out = await Promise.all(Array.from({ length: n }, (_, i) => f(i)));
    assert.equal(out.length, n);
    assert.deepEqual(out.slice(0, 3), [0, 1, 2]);
    assert.equal(out[n - 1], n - 1);
    assert.equal(peak, 3);
    assert.equal(running, 0);
  });

  it('rejects a limit below 1', () => {
    assert.throws(() => limitConcurrency(0, async () => {}), /at least 1/);
  });
});
