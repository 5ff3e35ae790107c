import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonLineDecoder } from './watch-decoder.js';

describe('JsonLineDecoder', () => {
  const events = [
    { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' }, data: { s: 'héllo ✓ 𝄞' } } },
    { type: 'MODIFIED', object: { metadata: { name: 'b', resourceVersion: '2' } } },
    { type: 'BOOKMARK', object: { metadata: { resourceVersion: '3' } } },
  ];
  const bytes = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''));

  it('decodes the same events for every way of cutting the stream (including inside UTF-8 characters)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const d = new JsonLineDecoder();
        const out: unknown[] = [];
        for (let i = 0; i + 1 < points.length; i++) out.push(...d.push(bytes.subarray(points[i], points[i + 1])));
        out.push(...d.end());
        assert.deepEqual(out, events);
      }),
    );
  });

  it('byte-at-a-time works too, and a final line without newline is delivered at end()', () => {
    const d = new JsonLineDecoder();
    const out: unknown[] = [];
    const noTrailing = bytes.subarray(0, bytes.length - 1);
    for (const b of noTrailing) out.push(...d.push(Buffer.from([b])));
    assert.equal(out.length, 2);
    out.push(...d.end());
    assert.deepEqual(out, events);
  });

  it('skips blank lines and throws on malformed ones', () => {
    const d = new JsonLineDecoder();
    assert.deepEqual(d.push(Buffer.from('\n\r\n{"a":1}\r\n')), [{ a: 1 }]);
    assert.throws(() => d.push(Buffer.from('{oops}\n')), /malformed watch event/);
  });

  it('bounds a runaway line', () => {
    const d = new JsonLineDecoder({ maxLineBytes: 10 });
    assert.throws(() => d.push(Buffer.from('{"aaaaaaaaaaaaa'.repeat(2))), /exceeds 10 bytes/);
  });
});
