import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './merge-patch.js';
import type { JsonValue } from './json-value.js';

// The examples of RFC 7386 Appendix A, plus kubectl's label patch.
test('RFC 7386 examples', () => {
  const cases: Array<[JsonValue | undefined, JsonValue, JsonValue]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    [undefined, { a: 1 }, { a: 1 }],
    [{ metadata: { name: 'x', labels: { a: 'b' } } }, { metadata: { labels: { x: 'y' } } }, { metadata: { name: 'x', labels: { a: 'b', x: 'y' } } }],
    [{ spec: { replicas: 1 } }, { spec: { replicas: 3 } }, { spec: { replicas: 3 } }],
  ];
  for (const [target, patch, want] of cases) {
    const before = JSON.stringify(target);
    assert.deepEqual(applyMergePatch(target, patch), want, `${before} + ${JSON.stringify(patch)}`);
    assert.equal(JSON.stringify(target), before, 'target untouched');
  }
});

test('__proto__ is data, not a prototype', () => {
  const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":1}}') as JsonValue) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out), ['__proto__']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
});

test('absurd nesting is a PatchError, not a RangeError', async () => {
  const { PatchError } = await import('./patch-error.js');
  const { applyJsonPatch } = await import('./json-patch.js');
  const { applyStrategicMergePatch } = await import('./strategic-merge-patch.js');
  let deep: JsonValue = 1;
  for (let i = 0; i < 200_000; i++) deep = { a: deep };
  assert.throws(() => applyMergePatch({}, deep), PatchError);
  assert.throws(() => applyJsonPatch(deep, []), PatchError);
  assert.throws(() => applyStrategicMergePatch({}, deep as Record<string, JsonValue>, undefined), PatchError);
});
