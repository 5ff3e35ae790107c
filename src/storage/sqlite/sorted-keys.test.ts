import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SortedKeys } from './sorted-keys.js';
import { compareKeys } from '../keys.js';

describe('compareKeys', () => {
  it('orders like UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        assert.equal(Math.sign(compareKeys(a, b)), bytes);
      }),
      { numRuns: 2000 },
    );
    assert.ok(compareKeys('\uFFFD', '\u{1F600}') < 0); // '<' would say the opposite
  });
});

describe('SortedKeys', () => {
  it('matches a sorted array under random inserts and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (ops, a, b) => {
          const s = new SortedKeys();
          const model = new Set<string>();
          const key = (n: number) => `/k/${n.toString(36)}`;
          for (const [add, n] of ops) {
            if (add) {
              s.insert(key(n));
              model.add(key(n));
            } else {
              s.delete(key(n));
              model.delete(key(n));
            }
          }
          const sorted = [...model].sort(compareKeys);
          assert.equal(s.size, sorted.length);
          const [lo, hi] = [key(Math.min(a, b)), key(Math.max(a, b))];
          assert.deepEqual([...s.range(lo, hi)], sorted.filter((k) => compareKeys(k, lo) >= 0 && compareKeys(k, hi) < 0));
          assert.equal(s.rank(lo), sorted.filter((k) => compareKeys(k, lo) < 0).length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
