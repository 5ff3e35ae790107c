import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controller, TerminalError } from './controller.js';
import type { EventSource, ResourceEventHandler } from './event-source.js';
import { FakeClock, settle } from './fake-clock.js';
import { memoryLogger, silentLogger } from './logger.js';
import type { KubeObject } from './object-key.js';
import { ItemExponentialRateLimiter } from './rate-limiter.js';

class FakeSource<T> implements EventSource<T> {
  handlers: ResourceEventHandler<T>[] = [];
  synced = true;
  constructor(readonly kind?: string, readonly group?: string) {}
  addEventHandler(h: ResourceEventHandler<T>): () => void {
    this.handlers.push(h);
    return () => (this.handlers = this.handlers.filter((x) => x !== h));
  }
  hasSynced(): boolean {
    return this.synced;
  }
  async waitForSync(): Promise<boolean> {
    return this.synced;
  }
  add(obj: T): void {
    for (const h of this.handlers) h.onAdd?.(obj);
  }
  update(o: T, n: T): void {
    for (const h of this.handlers) h.onUpdate?.(o, n);
  }
}

const obj = (ns: string, name: string, owner?: { kind: string; name: string; apiVersion?: string }): KubeObject => ({
  metadata: {
    namespace: ns,
    name,
    ...(owner ? { ownerReferences: [{ apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u', controller: true }] } : {}),
  },
});

/** Advances the fake clock in small steps until cond holds (bounded). */
async function until(clock: FakeClock, cond: () => boolean, stepMs = 1, maxSteps = 100_000): Promise<void> {
  for (let i = 0; i < maxSteps && !cond(); i++) await clock.advance(stepMs);
  assert.ok(cond(), 'condition not reached');
}

describe('controller', () => {
  it('reconciles the key of each watched object', async () => {
    const seen: string[] = [];
    const src = new FakeSource<KubeObject>('ReplicaSet', 'apps');
    const c = controller('t', { reconcile: async (k) => void seen.push(k), clock: new FakeClock(), logger: silentLogger }).watches(src);
    await c.start();
    src.add(obj('ns', 'a'));
    src.add(obj('', 'cluster-wide'));
    await settle();
    assert.deepEqual(seen, ['ns/a', 'cluster-wide']);
    await c.stop();
  });

  it('never reconciles the same key concurrently and does not lose a change made meanwhile', async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    let release: () => void = () => {};
    const src = new FakeSource<KubeObject>();
    const c = controller('t', {
      workers: 4,
      clock: new FakeClock(),
      logger: silentLogger,
      reconcile: async () => {
        active++;
        calls++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((r) => (release = r));
        active--;
      },
    }).watches(src);
    await c.start();
    src.add(obj('ns', 'a'));
    await settle();
    src.add(obj('ns', 'a'));
    src.add(obj('ns', 'a'));
    await settle();
    assert.equal(maxActive, 1);
    release();
    await settle();
    assert.equal(calls, 2, 'processed again after the first run finished');
    assert.equal(maxActive, 1);
    release();
    await settle();
    assert.equal(calls, 2);
    await c.stop();
  });

  it('retries a thrown error with growing backoff and logs the retry count', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const log = memoryLogger();
    const src = new FakeSource<KubeObject>();
    const c = controller('t', {
      clock,
      logger: log,
      rateLimiter: new ItemExponentialRateLimiter({ baseMs: 5, maxMs: 1000 }),
      reconcile: async () => {
        times.push(clock.now());
        if (times.length < 5) throw new Error('boom');
      },
    }).watches(src);
    await c.start();
    src.add(obj('ns', 'a'));
    await until(clock, () => times.length === 5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    assert.deepEqual(gaps, [5, 10, 20, 40]);
    const failures = log.lines.filter((l) => l.msg === 'reconcile failed, will retry');
    assert.deepEqual(failures.map((l) => l.fields.retries), [1, 2, 3, 4]);
    assert.equal(failures[0]?.fields.key, 'ns/a');
    assert.equal(c.queue.numRequeues('ns/a'), 0, 'success forgets the backoff');
    await clock.advance(10_000);
    assert.equal(times.length, 5, 'no retry after success');
    await c.stop();
  });

  it('does not retry a TerminalError', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const log = memoryLogger();
    const src = new FakeSource<KubeObject>();
    const c = controller('t', {
      clock,
      logger: log,
      reconcile: async () => {
        calls++;
        throw new TerminalError('bad spec');
      },
    }).watches(src);
    await c.start();
    src.add(obj('ns', 'a'));
    await clock.advance(60_000);
    assert.equal(calls, 1);
    assert.equal(log.lines.filter((l) => l.msg === 'reconcile failed permanently').length, 1);
    await c.stop();
  });

  it('requeueAfterMs runs the key again after the delay', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const src = new FakeSource<KubeObject>();
    const c = controller('t', {
      clock,
      logger: silentLogger,
      reconcile: async () => {
        times.push(clock.now());
        return times.length < 3 ? { requeueAfterMs: 30_000 } : undefined;
      },
    }).watches(src);
    await c.start();
    const t0 = clock.now();
    src.add(obj('ns', 'a'));
    await until(clock, () => times.length === 3, 1000);
    assert.deepEqual(times.map((t) => t - t0), [0, 30_000, 60_000]);
    await c.stop();
  });

  it('owns() maps objects to their controlling owner of the watched kind', async () => {
    const seen: string[] = [];
    const rs = new FakeSource<KubeObject>('ReplicaSet', 'apps');
    const pods = new FakeSource<KubeObject>('Pod', '');
    const c = controller('t', { clock: new FakeClock(), logger: silentLogger, reconcile: async (k) => void seen.push(k) })
      .watches(rs)
      .owns(pods);
    await c.start();
    pods.add(obj('ns', 'p1', { kind: 'ReplicaSet', name: 'web' }));
    pods.add(obj('ns', 'p2', { kind: 'StatefulSet', name: 'db' }));
    pods.add(obj('ns', 'p3', { kind: 'ReplicaSet', name: 'other-group', apiVersion: 'example.com/v1' }));
    pods.add(obj('ns', 'p4'));
    await settle();
    assert.deepEqual(seen, ['ns/web']);
    // Adoption moved p1 to another owner: both owners are reconciled.
    pods.update(obj('ns', 'p1', { kind: 'ReplicaSet', name: 'web' }), obj('ns', 'p1', { kind: 'ReplicaSet', name: 'web2' }));
    await settle();
    assert.deepEqual(seen.sort(), ['ns/web', 'ns/web', 'ns/web2']);
    await c.stop();
  });

  it('start() waits for the caches to sync and fails after the timeout', async () => {
    const src = new FakeSource<KubeObject>();
    src.synced = false;
    const c = controller('t', { clock: new FakeClock(), logger: silentLogger, reconcile: async () => {} }).watches(src);
    await assert.rejects(c.start({ syncTimeoutMs: 10 }), /did not sync/);
  });
});
