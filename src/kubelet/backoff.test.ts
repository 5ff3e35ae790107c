import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CrashBackoff } from './backoff.js';

describe('CrashBackoff', () => {
  it('restarts at once first, then waits 10 s doubling up to 5 min', () => {
    const b = new CrashBackoff();
    const delays: number[] = [];
    let t = 0;
    for (let i = 0; i < 9; i++) {
      const { at, delayMs } = b.restartAt('c', t, t + 1000);
      delays.push(delayMs);
      assert.equal(at, t + 1000 + delayMs);
      b.restarted('c');
      t = at;
    }
    assert.deepEqual(delays, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('starts over after a container ran for 10 minutes', () => {
    const b = new CrashBackoff({ baseMs: 100 });
    b.restartAt('c', 0, 1);
    b.restarted('c');
    b.restarted('c');
    assert.equal(b.restartAt('c', 10, 20).delayMs, 200);
    assert.equal(b.restartAt('c', 1000, 1000 + 600_000).delayMs, 0);
  });

  it('forgets a pod by key prefix', () => {
    const b = new CrashBackoff();
    b.restartAt('ns/p/uid/c', 0, 1);
    b.restarted('ns/p/uid/c');
    b.forget('ns/p/uid');
    assert.equal(b.restartAt('ns/p/uid/c', 0, 1).delayMs, 0);
  });
});
