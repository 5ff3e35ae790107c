import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WalSyncer } from './wal-syncer.js';
import { StorageError } from '../errors.js';

/** A flush the test completes by hand. */
function manualFlush() {
  const pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  return {
    flush: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    pending,
    async settle(err?: Error) {
      const p = pending.shift();
      assert.ok(p, 'a flush is running');
      if (err) p.reject(err);
      else p.resolve();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('WalSyncer', () => {
  it('a flush covers the commits made before it started; commits made meanwhile share the next one', async () => {
    const f = manualFlush();
    const durable: number[] = [];
    const s = new WalSyncer({ walPath: 'x', durableRevision: 10, flush: f.flush, onDurable: (r) => durable.push(r), onFailure: assert.fail });
    s.request(11); // starts a flush for 11
    s.request(12); // while it runs: these wait for the next flush
    s.request(13);
    await new Promise((r) => setImmediate(r));
    s.request(14);
    const waited = s.waitFor(14);
    assert.equal(f.pending.length, 1);
    await f.settle();
    assert.deepEqual(durable, [11]);
    assert.equal(f.pending.length, 1);
    await f.settle();
    await waited;
    assert.deepEqual(durable, [11, 14]);
    assert.equal(s.flushes, 2);
    await s.drain();
    await s.waitFor(3); // already durable
  });

  it('a failed flush fails every waiter and all later waits', async () => {
    const f = manualFlush();
    let failure: StorageError | undefined;
    const s = new WalSyncer({ walPath: 'x', durableRevision: 0, flush: f.flush, onDurable: () => assert.fail('nothing is durable'), onFailure: (e) => (failure = e) });
    s.request(5);
    const waited = assert.rejects(s.waitFor(5), StorageError);
    await new Promise((r) => setImmediate(r));
    await f.settle(new Error('EIO'));
    await waited;
    assert.ok(failure instanceof StorageError);
    assert.equal((failure.cause as Error).message, 'EIO');
    await assert.rejects(s.waitFor(6), StorageError);
    assert.equal(s.durableRevision, 0);
  });
});
