import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KindSpec } from '../../api/schema/dsl.js';
import { carryOverOnUpdate, jsonEqual, rfc3339, stampCreate } from './object-meta.js';

const withGen = { hasGeneration: true } as KindSpec;
const noGen = { hasGeneration: false } as KindSpec;

test('create stamps uid, creationTimestamp and generation 1', () => {
  const obj: any = { metadata: { name: 'a', resourceVersion: '5', uid: 'client', generation: 7 } };
  stampCreate(obj, withGen, { now: new Date('2026-01-02T03:04:05.678Z'), uid: 'u1' });
  assert.deepEqual(obj.metadata, { name: 'a', uid: 'u1', creationTimestamp: '2026-01-02T03:04:05Z', generation: 1 });
  const cm: any = { metadata: { name: 'b', generation: 3 } };
  stampCreate(cm, noGen, { now: new Date(0), uid: 'u2' });
  assert.equal(cm.metadata.generation, undefined);
});

test('update keeps server fields and bumps generation only on spec change', () => {
  const old: any = { metadata: { name: 'a', uid: 'u1', creationTimestamp: 't', generation: 2 }, spec: { r: 1 }, status: { x: 1 } };
  const sameSpec: any = { metadata: { name: 'a', uid: 'forged', labels: { a: 'b' } }, spec: { r: 1 }, status: { x: 2 } };
  carryOverOnUpdate(sameSpec, old, withGen);
  assert.equal(sameSpec.metadata.uid, 'u1');
  assert.equal(sameSpec.metadata.generation, 2);
  const newSpec: any = { metadata: { name: 'a' }, spec: { r: 2 } };
  carryOverOnUpdate(newSpec, old, withGen);
  assert.equal(newSpec.metadata.generation, 3);
  assert.equal(newSpec.metadata.creationTimestamp, 't');
});

test('jsonEqual ignores key order', () => {
  assert.equal(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
  assert.equal(jsonEqual({ a: 1 }, { a: 1, b: 2 }), false);
  assert.equal(jsonEqual([1], { 0: 1 }), false);
});

test('rfc3339 drops the milliseconds, whatever the year', () => {
  assert.equal(rfc3339(new Date('2026-11-26T16:10:47.123Z')), '2026-11-26T16:10:47Z');
  assert.equal(rfc3339(new Date('0005-01-02T03:04:05.999Z')), '0005-01-02T03:04:05Z');
  // Years beyond 9999 have a longer, signed form: the slice would cut them wrongly.
  assert.equal(rfc3339(new Date(Date.UTC(12026, 0, 1, 0, 0, 1, 500))), '+012026-01-01T00:00:01Z');
  assert.equal(rfc3339(new Date(Date.UTC(-1, 0, 1))), '-000001-01-01T00:00:00Z');
  // The same second again (remembered), then the next one, then an earlier one.
  assert.equal(rfc3339(new Date('2026-11-26T16:10:47.001Z')), '2026-11-26T16:10:47Z');
  assert.equal(rfc3339(new Date('2026-11-26T16:10:47.999Z')), '2026-11-26T16:10:47Z');
  assert.equal(rfc3339(new Date('2026-11-26T16:10:48.000Z')), '2026-11-26T16:10:48Z');
  assert.equal(rfc3339(new Date('2026-11-26T16:10:47.500Z')), '2026-11-26T16:10:47Z');
  assert.equal(rfc3339(new Date(-1)), '1969-12-31T23:59:59Z');
  assert.throws(() => rfc3339(new Date(NaN)), RangeError);
});
