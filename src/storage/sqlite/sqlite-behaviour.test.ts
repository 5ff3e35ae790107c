/**
 * SQLite-specific behaviour beyond the shared contract: group commit, slow watchers,
 * automatic compaction, space reclamation, crash-resumable compaction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from './sqlite-store.js';
import { EventLog } from '../event-log.js';
import { StorageError } from '../errors.js';
import type { WatchEvent } from '../store.js';

const bytes = (s: string) => new TextEncoder().encode(s);

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SqliteStore behaviour', () => {
  let dir = '';
  let n = 0;
  const stores: SqliteStore[] = [];
  const path = () => join(dir, `db-${++n}.sqlite`);
  const open = async (cfg: Partial<Parameters<typeof SqliteStore.open>[0]> = {}) => {
    const s = await SqliteStore.open({ path: path(), autoCompaction: false, ...cfg });
    stores.push(s);
    return s;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-sqlite-behaviour-'));
  });
  after(async () => {
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('group commit: concurrent writes share transactions', async () => {
    const s = await open();
    await Promise.all(Array.from({ length: 500 }, (_, i) => s.create(`/g/${i}`, bytes(String(i)))));
    const st = s.stats();
    assert.equal(st.writes, 500);
    assert.ok(st.commits <= 5, `500 concurrent writes took ${st.commits} transactions`);
    assert.equal(await s.count('/g/'), 500);
    // A failed precondition inside a batch does not fail its neighbours.
    const results = await Promise.allSettled([
      s.create('/g/0', bytes('dup')),
      s.create('/g/new', bytes('ok')),
      s.update('/g/1', bytes('bad'), 1_000_000),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'fulfilled', 'rejected']);
  });

  it('rejects invalid keys and values without touching the log', async () => {
    const s = await open();
    await assert.rejects(s.create('', bytes('x')), StorageError);
    await assert.rejects(s.create('/bad/\uD800', bytes('x')), StorageError);
    await assert.rejects(s.create('/bad/v', 'not bytes' as unknown as Uint8Array), StorageError);
    assert.equal(await s.currentRevision(), 0);
  });

  it('a slow watcher delays neither acknowledgements nor other watchers, and still gets every event in order', async () => {
    const s = await open();
    const fast = new EventLog();
    const slowEvents: WatchEvent[] = [];
    const ackedWhenSeen: number[] = [];
    let acked = 0;
    s.watch('/s/', 0, fast.onEvents, fast.onError);
    s.watch(
      '/s/',
      0,
      (evs) => {
        ackedWhenSeen.push(acked);
        slowEvents.push(...evs);
        const until = Date.now() + 5; // a consumer that takes 5 ms per batch
        while (Date.now() < until);
      },
      (err) => assert.fail(err),
    );
    const worker = async (w: number) => {
      for (let i = 0; i < 50; i++) {
        await s.create(`/s/${w}/${i}`, bytes('v'));
        acked++;
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, w) => worker(w)));
    await fast.waitForCount(1000);
    await waitUntil(() => slowEvents.length >= 1000, 'the slow watcher to catch up');
    const revs = slowEvents.map((e) => e.kv.modRevision);
    assert.deepEqual(revs, Array.from({ length: 1000 }, (_, i) => i + 1));
    assert.deepEqual(fast.events.map((e) => e.kv.modRevision), revs);
    // Delivery follows acknowledgement: when the watcher first ran, a whole batch was acknowledged.
    assert.ok((ackedWhenSeen[0] ?? 0) >= 20, `first delivery after ${ackedWhenSeen[0]} acknowledgements`);
  });

  it('automatic compaction keeps history bounded under sustained updates', async () => {
    const s = await open({ autoCompaction: { intervalMs: 20, retainRevisions: 200 }, compactionBatch: 500 });
    const keys = Array.from({ length: 20 }, (_, i) => `/auto/${i}`);
    const revs = new Map<string, number>();
    for (const k of keys) revs.set(k, (await s.create(k, bytes('0'))).modRevision);
    let updates = 0;
    let maxRows = 0;
    while (updates < 3_000) {
      maxRows = Math.max(maxRows, s.stats().rows);
      await Promise.all(
        keys.map(async (k) => {
          const kv = await s.update(k, new Uint8Array(256), revs.get(k) as number);
          revs.set(k, kv.modRevision);
          updates++;
        }),
      );
    }
    // Compaction ran while the writes went on: the log never held most of the 3,020 rows.
    assert.ok(maxRows < 1_500, `the log reached ${maxRows} rows during the writes`);
    await waitUntil(() => s.stats().compactRevision >= (updates + 20) - 400, 'compaction to catch up');
    await waitUntil(() => s.stats().rows <= 20 + 600, `rows to be compacted (have ${s.stats().rows})`);
    assert.equal(await s.count('/auto/'), 20);
    for (const k of keys) assert.equal((await s.get(k))?.modRevision, revs.get(k));
  });

  it('gives space back: the file shrinks once a burst is over', async () => {
    const s = await open({ compactionBatch: 1_000, autoCompaction: { intervalMs: 50, retainRevisions: 100 } });
    const file = join(dir, `db-${n}.sqlite`);
    const value = new Uint8Array(8_192).fill(7);
    const writes = [];
    for (let i = 0; i < 2_000; i++) writes.push(s.create(`/big/${i}`, value));
    await Promise.all(writes);
    const fileSize = () => statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    const grown = fileSize();
    assert.ok(grown > 16_000_000, `file is ${grown} bytes`);
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => s.delete(`/big/${i}`)));
    // Automatic compaction removes the rows; a later idle pass gives the pages back.
    await waitUntil(() => s.stats().rows <= 200 && fileSize() < grown / 4, `the file to shrink from ${grown} bytes`).catch((err: Error) => {
      throw new Error(`${err.message}: now ${fileSize()} bytes, ${JSON.stringify(s.stats())}, ${String(s.pragma('freelist_count'))} free pages`);
    });
    assert.ok((statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) < 1_000_000, 'WAL truncated');
  });

  it('resumes an interrupted compaction on reopen', async () => {
    const file = path();
    let s = await SqliteStore.open({ path: file, autoCompaction: false, compactionBatch: 10 });
    let kv = await s.create('/r/k', bytes('0'));
    for (let i = 0; i < 200; i++) kv = await s.update('/r/k', bytes(String(i)), kv.modRevision);
    const compacting = s.compact(kv.modRevision);
    await s.close(); // stops after the batch in progress
    await compacting;
    s = await SqliteStore.open({ path: file, autoCompaction: false });
    stores.push(s);
    assert.equal(s.compactRevision(), kv.modRevision);
    await waitUntil(() => s.stats().rows === 1, 'the resumed compaction to finish');
    assert.equal((await s.get('/r/k'))?.modRevision, kv.modRevision);
  });

  it('a second process cannot open the same file', async () => {
    const s = await open();
    await s.create('/x', bytes('x'));
    await assert.rejects(SqliteStore.open({ path: join(dir, `db-${n}.sqlite`), autoCompaction: false }), /locked|busy/i);
  });
});
