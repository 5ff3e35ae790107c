import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expired } from '../machinery/status.js';
import { FakeClock, settle } from './fake-clock.js';
import { Informer, type ListerWatcher } from './informer.js';
import { stripManagedFields } from './informer-factory.js';
import { silentLogger } from './logger.js';
import type { KubeObject } from './object-key.js';
import type { ListOptions, ObjectList, WatchOptions } from './resource-client.js';
import type { WatchEndHandler, WatchEvent, WatchHandle } from './watch.js';

type Obj = KubeObject & { data?: string };

/** An in-memory API: a revision counter, an event history that can be compacted, live watchers. */
class FakeApi implements ListerWatcher<Obj> {
  rv = 10;
  items = new Map<string, Obj>();
  history: WatchEvent<Obj>[] = [];
  compactedTo = 0;
  watchers = new Set<{ onEvent: (e: WatchEvent<Obj>) => void; onEnd: WatchEndHandler }>();
  watchCalls: WatchOptions[] = [];
  listCalls: ListOptions[] = [];
  failLists = 0;

  write(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, data = ''): void {
    this.rv++;
    const obj: Obj = { metadata: { namespace: 'ns', name, resourceVersion: String(this.rv) }, data };
    if (type === 'DELETED') this.items.delete(name);
    else this.items.set(name, obj);
    const ev = { type, object: obj };
    this.history.push(ev);
    for (const w of this.watchers) w.onEvent(ev);
  }
  bookmark(): void {
    this.rv++;
    for (const w of this.watchers) w.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } });
  }
  compact(): void {
    this.compactedTo = this.rv;
  }
  endWatches(err?: Error): void {
    for (const w of [...this.watchers]) {
      this.watchers.delete(w);
      w.onEnd(err);
    }
  }
  async list(options: ListOptions): Promise<ObjectList<Obj>> {
    this.listCalls.push(options);
    if (this.failLists > 0) {
      this.failLists--;
      throw new Error('connection refused');
    }
    const all = [...this.items.values()].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    const start = options.continue ? Number(options.continue) : 0;
    const end = options.limit ? start + options.limit : all.length;
    return { metadata: { resourceVersion: String(this.rv), ...(end < all.length ? { continue: String(end) } : {}) }, items: all.slice(start, end) };
  }
  watch(options: WatchOptions, onEvent: (e: WatchEvent<Obj>) => void, onEnd: WatchEndHandler): WatchHandle {
    this.watchCalls.push(options);
    const from = Number(options.resourceVersion ?? 0);
    if (from < this.compactedTo) {
      setImmediate(() => onEnd(expired(`too old resource version: ${from}`)));
      return { close() {} };
    }
    const w = { onEvent, onEnd };
    setImmediate(() => {
      for (const ev of this.history) if (Number(ev.object.metadata?.resourceVersion) > from) onEvent(ev);
      this.watchers.add(w);
    });
    return { close: () => this.watchers.delete(w) };
  }
}

function recorder(inf: Informer<Obj>): string[] {
  const log: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => log.push(`add ${o.metadata?.name} ${o.data}`),
    onUpdate: (old, o) => log.push(`update ${o.metadata?.name} ${old.data}->${o.data}`),
    onDelete: (o) => log.push(`delete ${o.metadata?.name}`),
  });
  return log;
}

async function until(clock: FakeClock, cond: () => boolean, stepMs = 100): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await clock.advance(stepMs);
  assert.ok(cond(), 'condition not reached');
}

describe('Informer', () => {
  it('lists (paginated) into the cache, syncs, then follows adds, updates and deletes', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    for (const n of ['a', 'b', 'c', 'd', 'e']) api.write('ADDED', n, '1');
    const inf = new Informer<Obj>({ listerWatcher: api, clock, logger: silentLogger, pageSize: 2 });
    const log = recorder(inf);
    assert.equal(inf.hasSynced(), false);
    inf.start();
    assert.equal(await inf.waitForSync(1000), true);
    assert.equal(api.listCalls.length, 3, 'three pages of two');
    assert.deepEqual(inf.list().map((o) => o.metadata?.name).sort(), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(inf.byIndex('namespace', 'ns').length, 5, 'namespace index is built in');
    await settle();
    api.write('MODIFIED', 'a', '2');
    api.write('DELETED', 'b');
    api.write('ADDED', 'f', '1');
    assert.equal(inf.get('ns/a')?.data, '2');
    assert.equal(inf.get('ns/b'), undefined);
    assert.deepEqual(log.slice(5), ['update a 1->2', 'delete b', 'add f 1']);
    assert.equal(inf.lastSyncResourceVersion(), String(api.rv));
    await inf.stop();
  });

  it('waitForSync times out on the clock when the list keeps failing, then syncs after backoff', async () => {
    const api = new FakeApi();
    api.failLists = 3;
    const clock = new FakeClock();
    const inf = new Informer<Obj>({ listerWatcher: api, clock, logger: silentLogger });
    inf.start();
    const waited = inf.waitForSync(500);
    await clock.advance(500);
    assert.equal(await waited, false);
    await until(clock, () => inf.hasSynced());
    assert.equal(api.listCalls.length, 4);
    await inf.stop();
  });

  it('resumes the watch from the last resourceVersion (including bookmarks) without re-listing', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    api.write('ADDED', 'a', '1');
    const inf = new Informer<Obj>({ listerWatcher: api, clock, logger: silentLogger });
    inf.start();
    await inf.waitForSync();
    await settle();
    api.write('MODIFIED', 'a', '2');
    api.bookmark();
    const rv = String(api.rv);
    api.endWatches(); // server timeout: a clean end
    await until(clock, () => api.watchCalls.length === 2);
    assert.equal(api.watchCalls[1]?.resourceVersion, rv);
    assert.equal(api.watchCalls[1]?.allowWatchBookmarks, true);
    assert.equal(inf.listsMade(), 1);
    await inf.stop();
  });

  it('re-lists after 410 Gone and emits what changed meanwhile, including deletes', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    for (const n of ['a', 'b', 'c']) api.write('ADDED', n, '1');
    const inf = new Informer<Obj>({ listerWatcher: api, clock, logger: silentLogger });
    const log = recorder(inf);
    inf.start();
    await inf.waitForSync();
    await settle();
    // The informer misses these (its watch is down) and history is compacted past them.
    api.endWatches(new Error('connection reset'));
    api.write('MODIFIED', 'a', '2');
    api.write('DELETED', 'b');
    api.write('ADDED', 'd', '1');
    api.compact();
    await until(clock, () => inf.listsMade() === 2);
    assert.deepEqual(log.slice(3).sort(), ['add d 1', 'delete b', 'update a 1->2']);
    assert.deepEqual(inf.list().map((o) => o.metadata?.name).sort(), ['a', 'c', 'd']);
    // And it watches again from the new list's revision.
    await until(clock, () => api.watchers.size === 1);
    api.write('MODIFIED', 'c', '2');
    assert.equal(inf.get('ns/c')?.data, '2');
    await inf.stop();
  });

  it('backs off exponentially on repeated watch failures', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const inf = new Informer<Obj>({ listerWatcher: api, clock, logger: silentLogger, backoff: { initialMs: 100, maxMs: 1000 } });
    inf.start();
    await inf.waitForSync();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await until(clock, () => api.watchers.size === 1, 10);
      times.push(clock.now());
      api.endWatches(new Error('boom'));
    }
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    assert.deepEqual(gaps, [100, 200, 400, 800]);
    await inf.stop();
  });

  it('a late handler gets the cache as adds; a throwing handler does not stop the others', async () => {
    const api = new FakeApi();
    api.write('ADDED', 'a', '1');
    const inf = new Informer<Obj>({ listerWatcher: api, clock: new FakeClock(), logger: silentLogger, resyncPeriodMs: 0 });
    inf.addEventHandler({ onAdd: () => { throw new Error('bug'); } });
    inf.start();
    await inf.waitForSync();
    const log = recorder(inf);
    assert.deepEqual(log, ['add a 1']);
    await settle();
    api.write('ADDED', 'b', '1');
    assert.deepEqual(log, ['add a 1', 'add b 1']);
    await inf.stop();
  });

  it('resync re-delivers cached objects as updates', async () => {
    const api = new FakeApi();
    api.write('ADDED', 'a', '1');
    const clock = new FakeClock();
    const inf = new Informer<Obj>({ listerWatcher: api, clock, logger: silentLogger, resyncPeriodMs: 1000 });
    const log = recorder(inf);
    inf.start();
    await inf.waitForSync();
    await clock.advance(2000);
    assert.deepEqual(log, ['add a 1', 'update a 1->1', 'update a 1->1']);
    await inf.stop();
  });

  it('gives up on a watch the server never ends (timeoutSeconds + 30 s) and watches again', async () => {
    const api = new FakeApi();
    const clock = new FakeClock();
    const inf = new Informer<Obj>({ listerWatcher: api, clock, logger: silentLogger, watchTimeoutSeconds: 60, backoff: { initialMs: 100, maxMs: 100 } });
    inf.start();
    await inf.waitForSync();
    await until(clock, () => api.watchers.size === 1, 10);
    assert.equal(api.watchCalls[0]?.timeoutSeconds, 60);
    await clock.advance(89_000);
    assert.equal(api.watchCalls.length, 1);
    await clock.advance(1_000);
    await until(clock, () => api.watchCalls.length === 2, 10);
    assert.equal(api.watchers.size, 1, 'the abandoned watch was closed');
    await inf.stop();
  });

  it('transform is applied to listed and watched objects before caching', async () => {
    const api = new FakeApi();
    api.write('ADDED', 'a', '1');
    (api.items.get('a')?.metadata as Record<string, unknown>).managedFields = [{ manager: 'x' }];
    const inf = new Informer<Obj>({ listerWatcher: api, clock: new FakeClock(), logger: silentLogger, transform: stripManagedFields });
    const seen: unknown[] = [];
    inf.addEventHandler({ onAdd: (o) => seen.push(o.metadata?.managedFields), onUpdate: (_o, n) => seen.push(n.metadata?.managedFields) });
    inf.start();
    await inf.waitForSync();
    await settle();
    const modified = { metadata: { namespace: 'ns', name: 'a', resourceVersion: '99', managedFields: [{ manager: 'y' }] }, data: '2' };
    for (const w of api.watchers) w.onEvent({ type: 'MODIFIED', object: modified });
    assert.equal(inf.get('ns/a')?.data, '2');
    assert.equal(inf.get('ns/a')?.metadata?.managedFields, undefined);
    assert.equal(inf.get('ns/a')?.metadata?.name, 'a');
    assert.deepEqual(seen, [undefined, undefined]);
    await inf.stop();
  });
});
