import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimit } from './concurrency.js';

/** A call that stays open until its test releases it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` calls at once and starts waiters in arrival order', async () => {
    const limit = new ConcurrencyLimit({ limit: 2 });
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const call = (i: number): Promise<number> =>
      limit.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await (gates[i] as ReturnType<typeof gate>).promise;
        running--;
        return i * 10;
      });
    const results = [0, 1, 2, 3, 4].map(call);
    await tick();
    assert.deepEqual(started, [0, 1]);
    assert.equal(limit.waiting, 3);
    gates[1]?.open();
    await tick();
    assert.deepEqual(started, [0, 1, 2]);
    assert.equal(limit.waiting, 2);
    gates[0]?.open();
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3]);
    for (const g of gates) g.open();
    assert.deepEqual(await Promise.all(results), [0, 10, 20, 30, 40]);
    assert.equal(peak, 2);
    assert.equal(limit.waiting, 0);
  });

  it('slotFreed resolves when a running call finishes, not before', async () => {
    const limit = new ConcurrencyLimit({ limit: 1 });
    const g = gate();
    const done = limit.run(() => g.promise);
    let freed = false;
    const w = limit.slotFreed().then(() => (freed = true));
    await tick();
    assert.equal(freed, false);
    g.open();
    await done;
    await w;
    assert.equal(freed, true);
  });

  it('frees the slot when a call fails', async () => {
    const limit = new ConcurrencyLimit({ limit: 1 });
    const call = (fail: boolean): Promise<string> =>
      limit.run(async () => {
        await tick();
        if (fail) throw new Error('boom');
        return 'ok';
      });
    const a = call(true);
    const b = call(false);
    await assert.rejects(a, /boom/);
    assert.equal(await b, 'ok');
    assert.equal(await call(false), 'ok');
  });

  it('drains a long queue (thousands waiting) completely', async () => {
    const limit = new ConcurrencyLimit({ limit: 3 });
    let running = 0;
    let peak = 0;
    const n = 5000;
    const out = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await tick();
          running--;
          return i;
        }),
      ),
    );
    assert.equal(out.length, n);
    assert.deepEqual(out.slice(0, 3), [0, 1, 2]);
    assert.equal(out[n - 1], n - 1);
    assert.equal(peak, 3);
    assert.equal(running, 0);
    assert.equal(limit.waiting, 0);
  });

  it('rejects a limit below 1', () => {
    assert.throws(() => new ConcurrencyLimit({ limit: 0 }), /at least 1/);
  });
});
