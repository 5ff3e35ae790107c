import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../storage/index.js';
import { WatchCache } from './watch-cache.js';
import type { CacheEvent } from './cache-event.js';
import { noteCreated, takeCreated } from './own-writes.js';

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-wc-'));
  const store = await openStore({ backend: 'sqlite', path: join(dir, 'db.sqlite') });
  try {
    await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('loads existing objects and follows writes with resourceVersion stamped', async () => {
  await withStore(async (store) => {
    await store.create('/registry/core/configmaps/default/a', enc({ metadata: { name: 'a' } }));
    const b = await store.create('/registry/core/configmaps/kube-system/b', enc({ metadata: { name: 'b' } }));
    const cache = new WatchCache({ store });
    await cache.start();
    const rc = cache.resource('/registry/core/configmaps/');
    assert.deepEqual(rc.list().map((o) => o.obj.metadata?.name), ['a', 'b']);
    assert.equal(rc.get(b.key)?.obj.metadata?.resourceVersion, String(b.modRevision));
    assert.deepEqual(rc.list('/registry/core/configmaps/default/').map((o) => o.key), ['/registry/core/configmaps/default/a']);

    const c = await store.create('/registry/core/configmaps/default/c', enc({ metadata: { name: 'c' } }));
    assert.equal(await cache.syncWithStore(2000), true);
    assert.equal(cache.currentRevision() >= c.modRevision, true);
    assert.deepEqual(rc.list('/registry/core/configmaps/default/').map((o) => o.obj.metadata?.name), ['a', 'c']);
    cache.close();
  });
});

test('replays the window to a late subscriber and refuses revisions older than it', async () => {
  await withStore(async (store) => {
    const cache = new WatchCache({ store, windowSize: 3 });
    await cache.start();
    const start = cache.currentRevision();
    const key = '/registry/core/pods/default/p';
    let kv = await store.create(key, enc({ metadata: { name: 'p' }, v: 0 }));
    for (let i = 1; i <= 4; i++) kv = await store.update(key, enc({ metadata: { name: 'p' }, v: i }), kv.modRevision);
    await store.delete(key);
    assert.equal(await cache.syncWithStore(2000), true);
    const rc = cache.resource('/registry/core/pods/');
    assert.equal(rc.subscribe(start, () => {}).ok, false);
    const seen: CacheEvent[] = [];
    const sub = rc.subscribe(rc.oldestRevision(), (e) => seen.push(e));
    assert.equal(sub.ok, true);
    assert.deepEqual(seen.map((e) => e.type), ['MODIFIED', 'MODIFIED', 'DELETED']);
    assert.deepEqual(seen.map((e) => e.obj.v), [3, 4, 4]);
    // Live events after subscribing arrive too, in order.
    await store.create(key, enc({ metadata: { name: 'p' }, v: 9 }));
    await until(() => seen.length === 4);
    assert.equal(seen[3]?.type, 'ADDED');
    cache.close();
  });
});

test('memoises serialized event bytes per format', () => {
  // A pure check on CacheEvent: one build per format, however many readers.
  return import('./cache-event.js').then(({ CacheEvent: E }) => {
    const e = new E('ADDED', 'k', 1, { a: 1 });
    let builds = 0;
    const b1 = e.encode('json', () => (builds++, Buffer.from('x')));
    const b2 = e.encode('json', () => (builds++, Buffer.from('y')));
    assert.equal(b1, b2);
    assert.equal(builds, 1);
  });
});

test('a failed store watch makes the cache re-list, run reset hooks and keep following', async () => {
  await withStore(async (store) => {
    let fail: ((err: Error) => void) | undefined;
    const wrapped: Store = Object.create(store, {
      watch: {
        value: (prefix: string, from: number, onEvents: Parameters<Store["watch"]>[2], onError: (err: Error) => void) => {
          fail = onError;
          return store.watch(prefix, from, onEvents, onError);
        },
      },
    });
    const cache = new WatchCache({ store: wrapped });
    await cache.start();
    let resets = 0;
    cache.onReset(() => resets++);
    const rc = cache.resource('/registry/core/configmaps/');
    const dropped: string[] = [];
    rc.subscribe(cache.currentRevision(), (e) => dropped.push(e.key));
    await store.create('/registry/core/configmaps/default/x', enc({ metadata: { name: 'x' } }));
    const { CompactedError } = await import('../../storage/errors.js');
    fail?.(new CompactedError(1, 2));
    assert.equal(resets, 1);
    await store.create('/registry/core/configmaps/default/y', enc({ metadata: { name: 'y' } }));
    assert.equal(await cache.syncWithStore(2000), true);
    assert.deepEqual(cache.resource('/registry/core/configmaps/').list().map((o) => o.obj.metadata?.name), ['x', 'y']);
    assert.ok(!dropped.includes('/registry/core/configmaps/default/y'), 'old listeners are cut off after a reset');
    cache.close();
  });
});

test('takes an object the server noted as created instead of parsing its bytes back', async () => {
  await withStore(async (store) => {
    const cache = new WatchCache({ store });
    await cache.start();
    const rc = cache.resource('/registry/core/configmaps/');
    const noted = { metadata: { name: 'own' }, data: { k: 'v' } };
    const bytes = enc(noted);
    noteCreated(bytes, noted);
    const own = await store.create('/registry/core/configmaps/default/own', bytes);
    const other = await store.create('/registry/core/configmaps/default/other', enc({ metadata: { name: 'other' }, data: { k: 'v' } }));
    assert.equal(await cache.syncWithStore(2000), true);
    const cached = rc.get(own.key)?.obj;
    assert.equal(cached?.data, noted.data, 'the noted object itself, not a parsed copy');
    assert.equal(cached?.metadata?.resourceVersion, String(own.modRevision));
    assert.equal(noted.metadata.hasOwnProperty('resourceVersion'), false, 'the noted object is not changed');
    assert.equal(takeCreated(bytes), undefined, 'taken once');
    assert.deepEqual(rc.get(other.key)?.obj, { metadata: { name: 'other', resourceVersion: String(other.modRevision) }, data: { k: 'v' } });
    cache.close();
  });
});
