import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../api/core/v1/event.js';
import { FakeClock } from '../client/fake-clock.js';
import type { EventClient } from '../client/event-recorder.js';
import { DeferredEventClient, PriorityGate } from './event-sink.js';

/** An EventClient whose writes stay open until the test ends them. */
function heldEvents(): EventClient & { started: string[]; finish(name: string): void } {
  const open = new Map<string, () => void>();
  const started: string[] = [];
  const write = (name: string): Promise<Event> => {
    started.push(name);
    return new Promise((resolve) => open.set(name, () => resolve({ metadata: { name } } as Event)));
  };
  return {
    started,
    finish: (name) => open.get(name)?.(),
    create: (obj) => write(obj.metadata?.name ?? ''),
    patch: (name) => write(name),
  };
}

const ev = (name: string): Event => ({ metadata: { name } }) as Event;
const ticks = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

test('events wait while a status write is pending and go once the gate is idle', async () => {
  const clock = new FakeClock();
  const gate = new PriorityGate(clock);
  const inner = heldEvents();
  const sink = new DeferredEventClient({ events: inner, gate, clock, maxDelayMs: 10_000 });
  let endStatus!: () => void;
  const status = gate.run(() => new Promise<void>((r) => (endStatus = r)));
  const created = sink.create(ev('a'));
  await ticks();
  assert.deepEqual(inner.started, [], 'no event is written while status is pending');
  endStatus();
  await status;
  await ticks();
  assert.deepEqual(inner.started, ['a']);
  inner.finish('a');
  assert.equal((await created).metadata?.name, 'a');
});

test('at most `concurrency` event writes are in flight, in order', async () => {
  const clock = new FakeClock();
  const inner = heldEvents();
  const sink = new DeferredEventClient({ events: inner, gate: new PriorityGate(clock), clock, concurrency: 2 });
  const all = ['a', 'b', 'c', 'd'].map((n) => sink.create(ev(n)));
  await ticks();
  assert.deepEqual(inner.started, ['a', 'b']);
  assert.equal(sink.pending(), 4);
  inner.finish('b');
  await ticks();
  assert.deepEqual(inner.started, ['a', 'b', 'c']);
  for (const n of ['a', 'c']) inner.finish(n);
  await ticks();
  inner.finish('d');
  assert.deepEqual((await Promise.all(all)).map((e) => e.metadata?.name), ['a', 'b', 'c', 'd']);
  assert.equal(sink.pending(), 0);
});

test('an event that waited maxDelayMs goes even while status writes continue', async () => {
  const clock = new FakeClock();
  const gate = new PriorityGate(clock);
  const inner = heldEvents();
  const sink = new DeferredEventClient({ events: inner, gate, clock, maxDelayMs: 2000 });
  void gate.run(() => new Promise<void>(() => {})); // a status write that never ends
  void sink.patch('a', { count: 2 }, 'merge');
  await ticks();
  await clock.advance(1999);
  await ticks();
  assert.deepEqual(inner.started, []);
  await clock.advance(1);
  await ticks();
  assert.deepEqual(inner.started, ['a']);
});

test('a failed event write rejects its caller and does not stall the queue', async () => {
  const clock = new FakeClock();
  let n = 0;
  const inner: EventClient = {
    create: async (obj) => {
      if (n++ === 0) throw new Error('boom');
      return obj;
    },
    patch: async () => ({}) as Event,
  };
  const sink = new DeferredEventClient({ events: inner, gate: new PriorityGate(clock), clock, concurrency: 1 });
  await assert.rejects(sink.create(ev('a')), /boom/);
  assert.equal((await sink.create(ev('b'))).metadata?.name, 'b');
});

test('in a burst, events wait for quietMs of calm after the last status write', async () => {
  const clock = new FakeClock();
  const gate = new PriorityGate(clock);
  const inner = heldEvents();
  const sink = new DeferredEventClient({ events: inner, gate, clock, quietMs: 250, burstQueue: 3, maxDelayMs: 10_000 });
  let endStatus!: () => void;
  const status = gate.run(() => new Promise<void>((r) => (endStatus = r)));
  for (const n of ['a', 'b', 'c']) void sink.create(ev(n));
  await ticks();
  endStatus();
  await status;
  await clock.advance(200);
  await ticks();
  await gate.run(async () => {}); // another status write: the calm starts over
  await clock.advance(200);
  await ticks();
  assert.deepEqual(inner.started, []);
  await clock.advance(50);
  await ticks();
  assert.deepEqual(inner.started, ['a', 'b']);
});

test('outside a burst, an event goes as soon as no status write is pending', async () => {
  const clock = new FakeClock();
  const gate = new PriorityGate(clock);
  const inner = heldEvents();
  const sink = new DeferredEventClient({ events: inner, gate, clock, quietMs: 250, burstQueue: 3 });
  await gate.run(async () => {});
  void sink.create(ev('a'));
  await ticks();
  assert.deepEqual(inner.started, ['a']);
});

test('events wait while pod starts are held, and go once the last one is released', async () => {
  const clock = new FakeClock();
  const gate = new PriorityGate(clock);
  const inner = heldEvents();
  const sink = new DeferredEventClient({ events: inner, gate, clock, maxDelayMs: 10_000 });
  const startA = gate.hold();
  const startB = gate.hold();
  void sink.create(ev('a'));
  await ticks();
  startA();
  startA(); // a second release of the same hold changes nothing
  await ticks();
  assert.equal(gate.idle(), false, 'one pod start is still under way');
  assert.deepEqual(inner.started, []);
  // A status write during a held start does not open the gate when it ends either.
  await gate.run(async () => {});
  await ticks();
  assert.deepEqual(inner.started, []);
  await clock.advance(5);
  startB();
  await ticks();
  assert.equal(gate.idleSince, clock.now());
  assert.deepEqual(inner.started, ['a']);
});

test('a pod start that never ends holds events back for maxDelayMs at most', async () => {
  const clock = new FakeClock();
  const gate = new PriorityGate(clock);
  const inner = heldEvents();
  const sink = new DeferredEventClient({ events: inner, gate, clock, maxDelayMs: 3000 });
  gate.hold();
  for (const n of ['a', 'b', 'c']) void sink.create(ev(n));
  await clock.advance(2999);
  await ticks();
  assert.deepEqual(inner.started, []);
  await clock.advance(1);
  await ticks();
  assert.deepEqual(inner.started, ['a', 'b'], 'late, not lost: the overdue ones go at the usual concurrency');
  inner.finish('a');
  await ticks();
  assert.deepEqual(inner.started, ['a', 'b', 'c']);
});
