import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.js';
import { ItemExponentialRateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './work-queue.js';

const noBackoff = () => new ItemExponentialRateLimiter<string>({ baseMs: 0, maxMs: 0 });

describe('WorkQueue', () => {
  it('dedupes keys waiting in the queue and keeps FIFO order', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.add(k);
    assert.equal(q.len(), 3);
    assert.deepEqual([await q.get(), await q.get(), await q.get()], ['a', 'b', 'c']);
  });

  it('never hands out a key being processed; a re-add during processing is queued at done()', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    const first = await q.get();
    assert.equal(first, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'not queued while processing');
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await new Promise((r) => setImmediate(r));
    assert.equal(second, undefined, 'a second worker must not get the same key concurrently');
    q.done('a');
    await new Promise((r) => setImmediate(r));
    assert.equal(second, 'a', 'processed again after done');
    q.done('a');
    assert.equal(q.len(), 0);
    assert.equal(q.processingCount(), 0);
  });

  it('a get() waiting on an empty queue receives the next add', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    const p = q.get();
    q.add('x');
    assert.equal(await p, 'x');
    assert.equal(q.processingCount(), 1);
  });

  it('addAfter delivers at the due time and keeps the earliest time for a waiting key', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 300);
    q.addAfter('a', 5000);
    assert.equal(q.delayedCount(), 1);
    await clock.advance(299);
    assert.equal(q.len(), 0);
    await clock.advance(1);
    assert.equal(q.len(), 1);
    await clock.advance(10_000);
    assert.equal(q.len(), 1, 'the superseded timers do not add it again');
    assert.equal(q.delayedCount(), 0);
  });

  it('addRateLimited backs off exponentially per key from 5 ms and forget resets it', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseMs: 5, maxMs: 1_000_000 }) });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = clock.now();
      q.addRateLimited('k');
      while (q.len() === 0) await clock.advance(1);
      delays.push(clock.now() - start);
      assert.equal(await q.get(), 'k');
      q.done('k');
    }
    assert.deepEqual(delays, [5, 10, 20, 40, 80]);
    assert.equal(q.numRequeues('k'), 5);
    q.forget('k');
    assert.equal(q.numRequeues('k'), 0);
  });

  it('default controller limiter: per-item 5ms doubling capped at 1000s, plus an overall bucket', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter<string>(clock);
    const d = Array.from({ length: 30 }, () => rl.when('one'));
    assert.equal(d[0], 5);
    assert.equal(d[1], 10);
    assert.equal(d[10], 5 * 1024);
    assert.equal(d[29], 1_000_000);
    // 100-token burst at 10 qps: the 101st distinct item (after the 30 above) waits on the bucket.
    const other = Array.from({ length: 100 }, (_, i) => rl.when(`k${i}`));
    assert.equal(other[69], 5, 'still within the burst');
    assert.ok((other[99] ?? 0) >= 2900, `bucket delay grows past the burst, got ${other[99]}`);
  });

  it('shutDown stops at once: get() resolves undefined, adds are ignored, delays dropped', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock });
    const waiting = q.get();
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add('a');
    q.addAfter('b', 10);
    await clock.advance(100);
    assert.equal(await q.get(), undefined);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('shutDownWithDrain hands out queued keys and resolves when in-flight keys are done', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock(), rateLimiter: noBackoff() });
    q.add('a');
    q.add('b');
    assert.equal(await q.get(), 'a');
    let drained = false;
    const d = q.shutDownWithDrain().then(() => (drained = true));
    assert.equal(await q.get(), 'b');
    q.done('b');
    await new Promise((r) => setImmediate(r));
    assert.equal(drained, false, 'a is still in flight');
    q.done('a');
    await d;
    assert.equal(drained, true);
    assert.equal(await q.get(), undefined);
  });

  it('drain hands a key re-added during processing to a waiting worker', async () => {
    const q = new WorkQueue<string>({ clock: new FakeClock() });
    q.add('a');
    assert.equal(await q.get(), 'a');
    q.add('a'); // dirty while processing, before shutdown
    const d = q.shutDownWithDrain();
    const next = q.get();
    q.done('a');
    assert.equal(await next, 'a');
    q.done('a');
    await d;
  });
});
