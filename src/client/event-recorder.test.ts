import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../api/core/v1/event.js';
import { notFound } from '../machinery/status.js';
import { type EventClient, EventRecorder } from './event-recorder.js';
import { FakeClock } from './fake-clock.js';
import { silentLogger } from './logger.js';

/** Records calls; events live in a map so patches of deleted events 404. */
class FakeEvents implements EventClient {
  calls: string[] = [];
  stored = new Map<string, Event>();
  async create(obj: Event): Promise<Event> {
    this.calls.push(`create ${obj.reason} count=${obj.count}`);
    this.stored.set(obj.metadata?.name ?? '', obj);
    return obj;
  }
  async patch(name: string, patch: unknown): Promise<Event> {
    const p = patch as { count: number; lastTimestamp: string };
    this.calls.push(`patch count=${p.count}`);
    const e = this.stored.get(name);
    if (!e) throw notFound({ group: '', resource: 'events' }, name);
    Object.assign(e, p);
    return e;
  }
}

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'prod', uid: 'u-1' } };

describe('EventRecorder', () => {
  it('writes an Event then patches count and lastTimestamp for repeats, in order', async () => {
    const clock = new FakeClock({ start: Date.UTC(2026, 0, 1, 0, 0, 0) });
    const api = new FakeEvents();
    const rec = new EventRecorder({ events: api, component: 'kubelet', host: 'node-1', clock, logger: silentLogger });
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting');
    await clock.advance(61_000);
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting');
    rec.event(pod, 'Warning', 'BackOff', 'Back-off restarting');
    rec.event(pod, 'Normal', 'Pulled', 'pulled');
    await rec.flush();
    assert.equal(api.calls[0], 'create BackOff count=1');
    assert.deepEqual([...api.calls].sort(), ['create BackOff count=1', 'create Pulled count=1', 'patch count=2', 'patch count=3']);
    assert.deepEqual(api.calls.filter((c) => c.startsWith('patch')), ['patch count=2', 'patch count=3']);
    const [backoff] = [...api.stored.values()].filter((e) => e.reason === 'BackOff');
    assert.equal(backoff?.count, 3);
    assert.equal(backoff?.firstTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(backoff?.lastTimestamp, '2026-01-01T00:01:01Z');
    assert.equal(backoff?.metadata?.namespace, 'prod');
    assert.deepEqual(backoff?.involvedObject, { kind: 'Pod', apiVersion: 'v1', namespace: 'prod', name: 'web-1', uid: 'u-1' });
    assert.match(backoff?.metadata?.name ?? '', /^web-1\.[0-9a-f]+$/);
  });

  it('cluster-scoped objects get their events in default; a bounded cache starts a new Event when a series was evicted', async () => {
    const api = new FakeEvents();
    const rec = new EventRecorder({ events: api, component: 'c', host: 'h', cacheSize: 1, clock: new FakeClock(), logger: silentLogger });
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
    rec.event(node, 'Normal', 'A', 'a');
    rec.event(node, 'Normal', 'B', 'b'); // evicts A
    rec.event(node, 'Normal', 'A', 'a');
    await rec.flush();
    assert.deepEqual(api.calls, ['create A count=1', 'create B count=1', 'create A count=1']);
    assert.ok([...api.stored.values()].every((e) => e.metadata?.namespace === 'default'));
  });

  it('drops events over the per-object spam limit (burst, then refill)', async () => {
    const clock = new FakeClock();
    const api = new FakeEvents();
    const rec = new EventRecorder({ events: api, component: 'c', host: 'h', spamBurst: 3, spamQps: 1 / 60, clock, logger: silentLogger });
    for (let i = 0; i < 10; i++) rec.event(pod, 'Normal', `R${i}`, 'm');
    await rec.flush();
    assert.equal(api.calls.length, 3);
    assert.equal(rec.droppedCount(), 7);
    await clock.advance(60_000);
    rec.event(pod, 'Normal', 'Later', 'm');
    await rec.flush();
    assert.equal(api.calls.length, 4);
  });
});
