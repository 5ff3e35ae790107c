/**
 * The behaviour every `Store` backend must have, as one node:test suite. Each backend's
 * test file calls `storeContract` with a harness; the assertions are identical for all.
 * Tests never assume revisions are contiguous (an etcd shared by several prefixes
 * advances revisions for everyone) — only that they increase.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue, Store, WatchEvent } from './store.js';
import { EventLog } from './event-log.js';
import { AlreadyExistsError, CompactedError, ConflictError, FutureRevisionError, NotFoundError } from './errors.js';

export interface StoreHarness {
  /** Called once before the suite (e.g. start etcd). */
  setup?(): Promise<void>;
  /** Called once after the suite, even when tests failed. */
  teardown?(): Promise<void>;
  /** A fresh, empty storage location (a new file, a new etcd key prefix). */
  newLocation(): Promise<string>;
  /** Opens a store on a location; may be called again after the previous store was closed. */
  open(location: string): Promise<Store>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string) => enc.encode(s);
const text = (b: Uint8Array) => dec.decode(b);

function assertKv(kv: KeyValue | undefined, key: string, value: string): asserts kv is KeyValue {
  assert.ok(kv, `expected ${key} to exist`);
  assert.equal(kv.key, key);
  assert.equal(text(kv.value), value);
}

export function storeContract(name: string, h: StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async () => {
      const s = await h.open(await h.newLocation());
      open.push(s);
      return s;
    };
    before(async () => {
      await h.setup?.();
    });
    after(async () => {
      for (const s of open) await s.close();
      await h.teardown?.();
    });

    it('create, get, update, delete with typed errors and increasing revisions', async () => {
      const s = await fresh();
      const r0 = await s.currentRevision();
      const a = await s.create('/k/a', bytes('one'));
      assert.ok(a.modRevision > r0);
      assert.equal(a.createRevision, a.modRevision);
      assert.equal(await s.currentRevision(), a.modRevision);
      assertKv(await s.get('/k/a'), '/k/a', 'one');
      assert.equal(await s.get('/k/missing'), undefined);
      await assert.rejects(s.create('/k/a', bytes('again')), AlreadyExistsError);

      const a2 = await s.update('/k/a', bytes('two'), a.modRevision);
      assert.ok(a2.modRevision > a.modRevision);
      assert.equal(a2.createRevision, a.createRevision);
      const stale = await s.update('/k/a', bytes('stale'), a.modRevision).then(
        () => assert.fail('stale update succeeded'),
        (e: unknown) => e,
      );
      assert.ok(stale instanceof ConflictError);
      assert.equal(stale.current.modRevision, a2.modRevision);
      assert.equal(text(stale.current.value), 'two');
      await assert.rejects(s.update('/k/none', bytes('x'), 1), NotFoundError);
      await assert.rejects(s.update('/k/none', bytes('x'), 0), NotFoundError);

      const got = await s.get('/k/a');
      assertKv(got, '/k/a', 'two');
      assert.equal(got.modRevision, a2.modRevision);

      const empty = await s.create('/k/empty', new Uint8Array(0));
      const gotEmpty = await s.get('/k/empty');
      assert.equal(gotEmpty?.value.length, 0);
      assert.equal(gotEmpty?.modRevision, empty.modRevision);
    });

    it('delete semantics: preconditions, returned value, recreate', async () => {
      const s = await fresh();
      await assert.rejects(s.delete('/d/none'), NotFoundError);
      const a = await s.create('/d/a', bytes('v1'));
      const a2 = await s.update('/d/a', bytes('v2'), a.modRevision);
      const wrong = await s.delete('/d/a', a.modRevision).then(
        () => assert.fail('delete with a stale revision succeeded'),
        (e: unknown) => e,
      );
      assert.ok(wrong instanceof ConflictError);
      assert.equal(wrong.current.modRevision, a2.modRevision);
      const deleted = await s.delete('/d/a', a2.modRevision);
      assertKv(deleted, '/d/a', 'v2');
      assert.equal(deleted.modRevision, a2.modRevision);
      assert.equal(deleted.createRevision, a.createRevision);
      assert.equal(await s.get('/d/a'), undefined);
      await assert.rejects(s.delete('/d/a'), NotFoundError);
      await assert.rejects(s.update('/d/a', bytes('zombie'), a2.modRevision), NotFoundError);
      assert.equal(await s.count('/d/'), 0);
      const again = await s.create('/d/a', bytes('v3'));
      assert.equal(again.createRevision, again.modRevision);
      assert.ok(again.createRevision > a2.modRevision);
      const b = await s.create('/d/b', bytes('b'));
      assertKv(await s.delete('/d/b'), '/d/b', 'b'); // no precondition
      assert.equal(b.key, '/d/b');
      const list = await s.list('/d/');
      assert.deepEqual(list.items.map((i) => i.key), ['/d/a']);
    });

    it('concurrent compare-and-swap: exactly one winner', async () => {
      const s = await fresh();
      const base = await s.create('/cas/x', bytes('0'));
      const attempts = await Promise.allSettled(
        Array.from({ length: 24 }, (_, i) => s.update('/cas/x', bytes(`w${i}`), base.modRevision)),
      );
      const won = attempts.filter((r) => r.status === 'fulfilled');
      const lost = attempts.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1);
      const winner = (won[0] as PromiseFulfilledResult<KeyValue>).value;
      for (const l of lost) {
        assert.ok(l.reason instanceof ConflictError, String(l.reason));
        assert.equal(l.reason.current.modRevision, winner.modRevision);
      }
      assert.equal(text((await s.get('/cas/x'))!.value), text(winner.value));

      const creates = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => s.create('/cas/new', bytes(`c${i}`))));
      assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of creates) if (r.status === 'rejected') assert.ok(r.reason instanceof AlreadyExistsError);

      const cur = (await s.get('/cas/new'))!;
      const deletes = await Promise.allSettled(Array.from({ length: 8 }, () => s.delete('/cas/new', cur.modRevision)));
      assert.equal(deletes.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of deletes) {
        if (r.status === 'rejected') assert.ok(r.reason instanceof NotFoundError || r.reason instanceof ConflictError);
      }
    });

    it('watch: every change in revision order, no gaps, under concurrent writers', async () => {
      const s = await fresh();
      const start = await s.currentRevision();
      const log = new EventLog();
      const w = s.watch('/w/', start, log.onEvents, log.onError);
      const other = new EventLog();
      const wOther = s.watch('/other/', start, other.onEvents, other.onError);
      const acked: KeyValue[] = [];
      const writer = async (id: number) => {
        for (let i = 0; i < 40; i++) {
          const key = `/w/${id}/${i % 5}`;
          const cur = await s.get(key);
          const kv = cur
            ? i % 7 === 6
              ? { ...(await s.delete(key, cur.modRevision)), deleted: true }
              : await s.update(key, bytes(`${id}-${i}`), cur.modRevision)
            : await s.create(key, bytes(`${id}-${i}`));
          acked.push(kv);
        }
      };
      await Promise.all([0, 1, 2, 3, 4, 5].map(writer));
      await s.create('/other/x', bytes('x'));
      await log.waitForCount(acked.length);
      await other.waitForCount(1);
      assert.equal(log.error, undefined);
      assert.equal(log.events.length, acked.length);
      const revs = log.events.map((e) => e.kv.modRevision);
      for (let i = 1; i < revs.length; i++) assert.ok((revs[i] as number) > (revs[i - 1] as number), 'revision order');
      assert.ok(log.events.every((e) => e.kv.key.startsWith('/w/')));
      // Each key's event chain links up: prevKv of an event is the previous event's kv.
      const lastByKey = new Map<string, WatchEvent>();
      for (const e of log.events) {
        const prev = lastByKey.get(e.kv.key);
        if (prev && prev.type === 'PUT') {
          assert.equal(e.prevKv?.modRevision, prev.kv.modRevision, `prevKv of ${e.kv.key}@${e.kv.modRevision}`);
          assert.equal(text(e.prevKv!.value), text(prev.kv.value));
        } else {
          assert.equal(e.type, 'PUT');
          assert.equal(e.prevKv, undefined, 'a create has no prevKv');
        }
        if (e.type === 'DELETE') assert.equal(text(e.kv.value), text(e.prevKv!.value), 'DELETE carries the deleted value');
        lastByKey.set(e.kv.key, e);
      }
      assert.deepEqual(other.events.map((e) => e.kv.key), ['/other/x']);
      w.close();
      wOther.close();
    });

    it('watch replays from an old revision, then continues live', async () => {
      const s = await fresh();
      const a = await s.create('/r/a', bytes('a1'));
      const a2 = await s.update('/r/a', bytes('a2'), a.modRevision);
      const b = await s.create('/r/b', bytes('b1'));
      await s.delete('/r/a', a2.modRevision);
      const log = new EventLog();
      const w = s.watch('/r/', a.modRevision, log.onEvents, log.onError);
      await log.waitForCount(3);
      assert.deepEqual(
        log.events.map((e) => [e.type, e.kv.key, text(e.kv.value)]),
        [['PUT', '/r/a', 'a2'], ['PUT', '/r/b', 'b1'], ['DELETE', '/r/a', 'a2']],
      );
      assert.equal(log.events[0]?.prevKv?.modRevision, a.modRevision);
      assert.equal(log.events[1]?.kv.modRevision, b.modRevision);
      assert.equal(log.events[2]?.kv.createRevision, a.createRevision);
      assert.equal(log.events[2]?.prevKv?.modRevision, a2.modRevision);
      const c = await s.create('/r/c', bytes('c1'));
      await log.waitForCount(4);
      assert.equal(log.events[3]?.kv.modRevision, c.modRevision);
      w.close();
      await s.create('/r/d', bytes('d1'));
      const probe = new EventLog();
      const w2 = s.watch('/r/', c.modRevision, probe.onEvents, probe.onError);
      await probe.waitForCount(1);
      w2.close();
      assert.equal(log.events.length, 4, 'a closed watcher gets nothing more');
    });

    it('compaction: older revisions fail with Compacted, newer ones still work', async () => {
      const s = await fresh();
      const a = await s.create('/c/a', bytes('1'));
      const a2 = await s.update('/c/a', bytes('2'), a.modRevision);
      const b = await s.create('/c/b', bytes('b'));
      await s.delete('/c/b', b.modRevision);
      const a3 = await s.update('/c/a', bytes('3'), a2.modRevision);
      await s.compact(a3.modRevision);
      await s.compact(a.modRevision); // below the compact revision: no-op
      await assert.rejects(s.list('/c/', { revision: a2.modRevision }), CompactedError);
      const atCompact = await s.list('/c/', { revision: a3.modRevision });
      assert.deepEqual(atCompact.items.map((i) => [i.key, text(i.value)]), [['/c/a', '3']]);
      const log = new EventLog();
      s.watch('/c/', a2.modRevision, log.onEvents, log.onError);
      await log.waitFor(() => log.error !== undefined, 'CompactedError');
      assert.ok(log.error instanceof CompactedError, String(log.error));
      assert.equal(log.events.length, 0);
      const live = new EventLog();
      const w = s.watch('/c/', a3.modRevision, live.onEvents, live.onError);
      const a4 = await s.update('/c/a', bytes('4'), a3.modRevision);
      await live.waitForCount(1);
      assert.equal(live.events[0]?.kv.modRevision, a4.modRevision);
      assert.equal(live.events[0]?.prevKv?.modRevision, a3.modRevision);
      assertKv(await s.get('/c/a'), '/c/a', '4');
      w.close();
      await assert.rejects(s.compact(a4.modRevision + 1000), FutureRevisionError);
    });

    it('pagination is consistent at one revision while writes continue', async () => {
      const s = await fresh();
      const keys = Array.from({ length: 50 }, (_, i) => `/p/${String(i).padStart(3, '0')}`);
      for (const k of keys) await s.create(k, bytes(`orig ${k}`));
      await s.create('/pz', bytes('outside the prefix /p/'));
      const seen: KeyValue[] = [];
      let page = await s.list('/p/', { limit: 7 });
      const rev = page.revision;
      assert.equal(page.more, true);
      assert.equal(page.remaining, 43);
      let n = 0;
      for (;;) {
        seen.push(...page.items);
        // Writes between pages: updates, deletes and creates, before and after the cursor.
        const k = keys[n++ % keys.length] as string;
        const cur = await s.get(k);
        if (cur) {
          if (n % 2) await s.update(k, bytes('changed'), cur.modRevision);
          else await s.delete(k);
        }
        await s.create(`/p/new-${n}`, bytes('new'));
        if (!page.more) break;
        const last = page.items[page.items.length - 1] as KeyValue;
        page = await s.list('/p/', { limit: 7, continueFrom: last.key, revision: rev });
        assert.equal(page.revision, rev);
      }
      assert.deepEqual(seen.map((i) => i.key), keys);
      assert.ok(seen.every((i) => text(i.value) === `orig ${i.key}`));
      const now = await s.list('/p/');
      assert.ok(now.revision > rev);
      assert.equal(now.more, false);
      assert.equal(now.items.length, await s.count('/p/'));
      assert.notDeepEqual(now.items.map((i) => i.key), keys);
      await assert.rejects(s.list('/p/', { revision: now.revision + 1000 }), FutureRevisionError);
    });

    it('list at a past revision shows the state of that moment', async () => {
      const s = await fresh();
      const a = await s.create('/h/a', bytes('a1'));
      const b = await s.create('/h/b', bytes('b1'));
      const mark = b.modRevision;
      await s.update('/h/a', bytes('a2'), a.modRevision);
      await s.delete('/h/b');
      await s.create('/h/c', bytes('c1'));
      const then = await s.list('/h/', { revision: mark });
      assert.equal(then.revision, mark);
      assert.deepEqual(then.items.map((i) => [i.key, text(i.value), i.modRevision]), [
        ['/h/a', 'a1', a.modRevision],
        ['/h/b', 'b1', b.modRevision],
      ]);
      const now = await s.list('/h/');
      assert.deepEqual(now.items.map((i) => [i.key, text(i.value)]), [['/h/a', 'a2'], ['/h/c', 'c1']]);
    });

    it('stores 1.5 MiB values intact', async () => {
      const s = await fresh();
      const big = new Uint8Array(1.5 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 11)) & 0xff;
      const log = new EventLog();
      const w = s.watch('/big/', await s.currentRevision(), log.onEvents, log.onError);
      const kv = await s.create('/big/one', big);
      const got = await s.get('/big/one');
      assert.ok(got && Buffer.from(got.value).equals(Buffer.from(big)));
      const big2 = big.slice();
      big2[12345] = (big2[12345] as number) ^ 0xff;
      await s.update('/big/one', big2, kv.modRevision);
      await s.create('/big/two', big);
      const list = await s.list('/big/');
      assert.equal(list.items.length, 2);
      assert.ok(Buffer.from(list.items[0]!.value).equals(Buffer.from(big2)));
      await log.waitForCount(3);
      assert.ok(Buffer.from(log.events[1]!.prevKv!.value).equals(Buffer.from(big)));
      assert.ok(Buffer.from(log.events[1]!.kv.value).equals(Buffer.from(big2)));
      w.close();
    });

    it('prefixes are plain string prefixes: /a/b/ excludes /a/bc', async () => {
      const s = await fresh();
      for (const k of ['/a/b', '/a/b/c', '/a/b/d', '/a/bc', '/a/bc/x', '/a/c', '/a/b\u00ff', '/a/b/\u{1F600}']) {
        await s.create(k, bytes(k));
      }
      const rev = await s.currentRevision();
      assert.deepEqual((await s.list('/a/b/')).items.map((i) => i.key), ['/a/b/c', '/a/b/d', '/a/b/\u{1F600}']);
      assert.deepEqual((await s.list('/a/b')).items.map((i) => i.key), [
        '/a/b', '/a/b/c', '/a/b/d', '/a/b/\u{1F600}', '/a/bc', '/a/bc/x', '/a/b\u00ff',
      ]);
      assert.equal(await s.count('/a/b/'), 3);
      assert.equal(await s.count('/a/bc'), 2);
      assert.equal(await s.count('/a/'), 8);
      assert.equal(await s.count('/nothing/'), 0);
      const log = new EventLog();
      const w = s.watch('/a/b/', rev, log.onEvents, log.onError);
      await s.update('/a/bc', bytes('changed'), (await s.get('/a/bc'))!.modRevision);
      await s.update('/a/b/c', bytes('changed'), (await s.get('/a/b/c'))!.modRevision);
      await log.waitForCount(1);
      await s.create('/a/b/e', bytes('e'));
      await log.waitForCount(2);
      assert.deepEqual(log.events.map((e) => e.kv.key), ['/a/b/c', '/a/b/e']);
      w.close();
    });

    it('after reopening: data, revisions and history are kept', async () => {
      const loc = await h.newLocation();
      let s = await h.open(loc);
      const a = await s.create('/o/a', bytes('a1'));
      const a2 = await s.update('/o/a', bytes('a2'), a.modRevision);
      const b = await s.create('/o/b', bytes('b1'));
      await s.delete('/o/b', b.modRevision);
      const rev = await s.currentRevision();
      await s.close();
      await assert.rejects(s.get('/o/a'));
      s = await h.open(loc);
      open.push(s);
      assert.ok((await s.currentRevision()) >= rev);
      const got = await s.get('/o/a');
      assertKv(got, '/o/a', 'a2');
      assert.equal(got.modRevision, a2.modRevision);
      assert.equal(await s.get('/o/b'), undefined);
      const next = await s.create('/o/c', bytes('c1'));
      assert.ok(next.modRevision > rev);
      await assert.rejects(s.update('/o/a', bytes('x'), a.modRevision), ConflictError);
      const log = new EventLog();
      const w = s.watch('/o/', a.modRevision, log.onEvents, log.onError);
      await log.waitForCount(4);
      assert.deepEqual(log.events.map((e) => [e.type, e.kv.key]), [
        ['PUT', '/o/a'], ['PUT', '/o/b'], ['DELETE', '/o/b'], ['PUT', '/o/c'],
      ]);
      w.close();
    });
  });
}
