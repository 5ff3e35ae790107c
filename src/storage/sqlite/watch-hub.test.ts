import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WatchHub, type WatchSource } from './watch-hub.js';
import { CompactedError } from '../errors.js';
import type { WatchEvent } from '../store.js';

/** A fake revision log: event i has revision i, key /k/<i>. */
function fakeLog() {
  const log: WatchEvent[] = [];
  let compacted = 0;
  const reads: Array<[number, number]> = [];
  const source: WatchSource = {
    committedRevision: () => log.length,
    compactRevision: () => compacted,
    readEvents(after, upTo, start, end, limit) {
      reads.push([after, upTo]);
      return log
        .filter((e) => e.kv.modRevision > after && e.kv.modRevision <= upTo && e.kv.key >= start && e.kv.key < end)
        .slice(0, limit);
    },
  };
  const commit = (n: number, prefix = '/k/') => {
    const evs: WatchEvent[] = [];
    for (let i = 0; i < n; i++) {
      const rev = log.length + 1;
      const e: WatchEvent = { type: 'PUT', kv: { key: `${prefix}${rev}`, value: new Uint8Array(0), createRevision: rev, modRevision: rev } };
      log.push(e);
      evs.push(e);
    }
    return evs;
  };
  return { source, commit, reads, compactTo: (r: number) => (compacted = r) };
}

/** A scheduler the test runs by hand. */
function manualScheduler() {
  const q: Array<() => void> = [];
  return {
    schedule: (fn: () => void) => void q.push(fn),
    runAll() {
      while (q.length) (q.shift() as () => void)();
    },
    get size() {
      return q.length;
    },
  };
}

describe('WatchHub', () => {
  it('replays from the log, then switches to live delivery without reading again', () => {
    const { source, commit, reads } = fakeLog();
    const sched = manualScheduler();
    const hub = new WatchHub({ source, schedule: sched.schedule, pageSize: 4 });
    commit(10);
    const got: number[][] = [];
    hub.watch('/k/', 3, (evs) => got.push(evs.map((e) => e.kv.modRevision)), assert.fail);
    assert.equal(got.length, 0, 'nothing delivered inside watch()');
    sched.runAll();
    assert.deepEqual(got, [[4, 5, 6, 7], [8, 9, 10]]);
    assert.deepEqual(reads, [[3, 10], [7, 10]]);
    hub.publish(commit(2), 12);
    sched.runAll();
    assert.deepEqual(got[2], [11, 12]);
    assert.equal(reads.length, 2, 'live events come from publish, not the log');
  });

  it('a live watcher over its backlog drops it and re-reads the log', () => {
    const { source, commit, reads } = fakeLog();
    const sched = manualScheduler();
    const hub = new WatchHub({ source, schedule: sched.schedule, maxBacklog: 50 });
    const got: number[] = [];
    hub.watch('/k/', 0, (evs) => got.push(...evs.map((e) => e.kv.modRevision)), assert.fail);
    sched.runAll(); // empty log: goes live
    hub.publish(commit(30), 30);
    hub.publish(commit(30), 60); // 60 pending > 50: dropped, back to the log
    hub.publish(commit(30), 90); // ignored while catching up
    sched.runAll();
    assert.deepEqual(got, Array.from({ length: 90 }, (_, i) => i + 1));
    assert.deepEqual(reads.at(-1), [0, 90]);
  });

  it('filters by prefix and reports compaction to a watcher that fell behind it', () => {
    const { source, commit, compactTo } = fakeLog();
    const sched = manualScheduler();
    const hub = new WatchHub({ source, schedule: sched.schedule, maxBacklog: 5 });
    const got: string[] = [];
    let error: Error | undefined;
    const w = hub.watch('/k/', 0, (evs) => got.push(...evs.map((e) => e.kv.key)), (e) => (error = e));
    sched.runAll();
    hub.publish(commit(2, '/other/'), 2);
    hub.publish(commit(1), 3);
    sched.runAll();
    assert.deepEqual(got, ['/k/3']);
    hub.publish(commit(10), 13); // over the backlog
    compactTo(8);
    sched.runAll();
    assert.ok(error instanceof CompactedError);
    assert.equal(error.requestedRevision, 3);
    assert.equal(hub.size, 0);
    w.close(); // idempotent
  });

  it('close stops delivery, even of events already queued', () => {
    const { source, commit } = fakeLog();
    const sched = manualScheduler();
    const hub = new WatchHub({ source, schedule: sched.schedule });
    let calls = 0;
    const w = hub.watch('/k/', 0, () => calls++, assert.fail);
    sched.runAll();
    hub.publish(commit(3), 3);
    w.close();
    sched.runAll();
    assert.equal(calls, 0);
  });

  it('a throwing consumer is closed and told, others are unaffected', () => {
    const { source, commit } = fakeLog();
    const sched = manualScheduler();
    const hub = new WatchHub({ source, schedule: sched.schedule });
    let error: Error | undefined;
    let other = 0;
    hub.watch('/k/', 0, () => { throw new Error('consumer bug'); }, (e) => (error = e));
    hub.watch('/k/', 0, (evs) => (other += evs.length), assert.fail);
    sched.runAll();
    hub.publish(commit(2), 2);
    sched.runAll();
    assert.equal(error?.message, 'consumer bug');
    assert.equal(other, 2);
    assert.equal(hub.size, 1);
  });

  it('a watch from a future revision delivers only events after it', () => {
    const { source, commit } = fakeLog();
    const sched = manualScheduler();
    const hub = new WatchHub({ source, schedule: sched.schedule });
    commit(2);
    const got: number[] = [];
    hub.watch('/k/', 5, (evs) => got.push(...evs.map((e) => e.kv.modRevision)), assert.fail);
    sched.runAll();
    hub.publish(commit(2), 4);
    sched.runAll();
    hub.publish(commit(3), 7);
    sched.runAll();
    assert.deepEqual(got, [6, 7]);
  });
});
