import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { metadataEnd } from './json-scan.js';

test('metadataEnd finds the top-level metadata object, not a nested one', () => {
  const text = JSON.stringify({ spec: { template: { metadata: { a: '}"\\' } } }, metadata: { name: 'x"}', n: [1, { b: null }] }, status: true });
  const end = metadataEnd(text);
  assert.equal(text[end], '}');
  assert.equal(text.slice(0, end + 1), '{"spec":{"template":{"metadata":{"a":"}\\"\\\\"}}},"metadata":{"name":"x\\"}","n":[1,{"b":null}]}');
  assert.equal(metadataEnd(JSON.stringify({ kind: 'X' })), -1);
  assert.equal(metadataEnd(JSON.stringify({ metadata: [] })), -1);
  assert.equal(metadataEnd(JSON.stringify({ metadata: null, x: 1 })), -1);
  const last = JSON.stringify({ a: -1.5e3, b: false, metadata: {} });
  assert.equal(metadataEnd(last), last.length - 2);
});

test('metadataEnd on arbitrary objects: the brace that closes JSON.stringify(metadata)', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }))), (o, meta) => {
      const obj: Record<string, unknown> = { ...o };
      if (meta !== null) obj['metadata'] = meta;
      const text = JSON.stringify(obj);
      const end = metadataEnd(text);
      const m = obj['metadata'];
      if (m === null || typeof m !== 'object' || Array.isArray(m)) return assert.equal(end, -1);
      // What precedes the brace is every member up to metadata, then metadata without its '}'.
      const members = Object.keys(obj).slice(0, Object.keys(obj).indexOf('metadata') + 1);
      const want = `{${members.map((k) => `${JSON.stringify(k)}:${JSON.stringify(obj[k])}`).join(',')}`.length - 1;
      assert.equal(end, want);
    }),
    { numRuns: 500 },
  );
});
