import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from './fake-clock.js';
import { WorkQueue } from './work-queue.js';

type Op = { op: 'add'; key: string } | { op: 'get' } | { op: 'done'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c', 'd') }),
  fc.record({ op: fc.constant('get' as const) }),
  fc.record({ op: fc.constant('done' as const), pick: fc.nat(10) }),
);

describe('WorkQueue properties', () => {
  it('never hands out a key twice at once, dedupes, and processes every key after its last add', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 80 }), async (ops) => {
        const q = new WorkQueue<string>({ clock: new FakeClock() });
        const inFlight: string[] = [];
        const lastAdd = new Map<string, number>();
        const lastStart = new Map<string, number>();
        let t = 0;
        const start = async (): Promise<void> => {
          const key = await q.get();
          assert.ok(key !== undefined);
          assert.ok(!inFlight.includes(key), `key ${key} handed out while in flight`);
          inFlight.push(key);
          lastStart.set(key, ++t);
        };
        for (const o of ops) {
          if (o.op === 'add') {
            q.add(o.key);
            lastAdd.set(o.key, ++t);
          } else if (o.op === 'get') {
            if (q.len() > 0) await start();
          } else if (inFlight.length > 0) {
            const [key] = inFlight.splice(o.pick % inFlight.length, 1);
            q.done(key as string);
          }
          // Dedupe: the queue never holds more keys than exist.
          assert.ok(q.len() <= 4);
          assert.equal(q.processingCount(), inFlight.length);
        }
        // Drain: finish everything in flight, then process whatever is still queued.
        while (inFlight.length > 0 || q.len() > 0) {
          while (inFlight.length > 0) q.done(inFlight.pop() as string);
          while (q.len() > 0) await start();
        }
        for (const [key, added] of lastAdd) {
          assert.ok((lastStart.get(key) ?? 0) > added, `${key} added at ${added} but last processed at ${lastStart.get(key)}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
