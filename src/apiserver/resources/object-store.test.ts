/**
 * A create serializes its object once: the stored bytes, and the response's bytes made
 * from them by splicing in the resourceVersion. Both must be byte for byte what
 * serializing each object on its own gave.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeStored, encodeForStore, jsonWithRevision, withRevision } from './object-store.js';
import type { KubeObject } from '../watch-cache/cached-object.js';

/** What encodeForStore stored before (the oracle). */
function oracleStored(obj: KubeObject): string {
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (meta && 'resourceVersion' in meta) {
    const { resourceVersion: _rv, ...rest } = meta;
    void _rv;
    return JSON.stringify({ ...obj, metadata: rest });
  }
  return JSON.stringify(obj);
}

const text = fc.oneof(fc.string(), fc.constantFrom('héllo', 'ünïcode ✓', '😀', '"quoted"', '\\', '}'));
const meta = fc.oneof(
  fc.record(
    {
      name: text,
      labels: fc.dictionary(text, text),
      annotations: fc.dictionary(text, text),
      resourceVersion: fc.oneof(fc.string(), fc.constant(undefined)),
      uid: fc.constant(undefined),
      generation: fc.integer(),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom<unknown>(undefined, null, {}, [], 'x', { a: undefined }),
);
const object = fc
  .tuple(
    fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata: meta, spec: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ template: fc.record({ metadata: meta }) })), status: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)) }, { requiredKeys: [] }),
    fc.boolean(),
  )
  // Key order varies: metadata first or last.
  .map(([o, metaLast]) => {
    if (!metaLast || !('metadata' in o)) return o as KubeObject;
    const { metadata, ...rest } = o;
    return { ...rest, metadata } as KubeObject;
  });

test('the stored bytes are what JSON.stringify gave, and the response bytes are withRevision serialized', () => {
  fc.assert(
    fc.property(object, fc.integer({ min: 1, max: 2 ** 40 }), (obj, rev) => {
      let want: string;
      try {
        want = oracleStored(obj);
      } catch (err) {
        // A non-object metadata (a string) threw before too; the resource layer never stores one.
        assert.throws(() => encodeStored(obj), (err as Error).constructor as never);
        return;
      }
      const enc = encodeStored(obj);
      assert.equal(new TextDecoder().decode(enc.bytes), want);
      assert.deepEqual(encodeForStore(obj), enc.bytes);
      const json = jsonWithRevision(enc, rev);
      const m = obj.metadata;
      const spliceable = m !== null && typeof m === 'object' && !Array.isArray(m) && !('resourceVersion' in m);
      assert.equal(json !== undefined, spliceable);
      if (json !== undefined) assert.equal(json.toString('utf8'), JSON.stringify(withRevision(obj, rev)));
    }),
    { numRuns: 500 },
  );
});

test('a freshly stamped object (metadata without resourceVersion) always gets its response bytes spliced', () => {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ünï', labels: { a: '✓' } }, spec: { x: 1 } };
  const json = jsonWithRevision(encodeStored(obj), 42);
  assert.ok(json);
  assert.equal(json.toString('utf8'), '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"ünï","labels":{"a":"✓"},"resourceVersion":"42"},"spec":{"x":1}}');
  assert.equal(jsonWithRevision(encodeStored({ kind: 'X', metadata: {} }), 7)?.toString('utf8'), '{"kind":"X","metadata":{"resourceVersion":"7"}}');
  // Where withRevision would not append at the end, nothing is spliced.
  assert.equal(jsonWithRevision(encodeStored({ metadata: { resourceVersion: '1', name: 'a' } }), 7), undefined);
  assert.equal(jsonWithRevision(encodeStored({ kind: 'X' }), 7), undefined);
});
