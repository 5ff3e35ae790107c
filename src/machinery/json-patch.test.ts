import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, escapeJsonPointerToken, parseJsonPointer } from './json-patch.js';
import { PatchError } from './patch-error.js';
import type { JsonValue } from './json-value.js';

test('RFC 6902 operations', () => {
  const cases: Array<[string, JsonValue, unknown, JsonValue]> = [
    ['add member', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }], { a: 1, b: 2 }],
    ['add replaces member', { a: 1 }, [{ op: 'add', path: '/a', value: [1] }], { a: [1] }],
    ['add into array', { l: [1, 3] }, [{ op: 'add', path: '/l/1', value: 2 }], { l: [1, 2, 3] }],
    ['add at array end by index', { l: [1] }, [{ op: 'add', path: '/l/1', value: 2 }], { l: [1, 2] }],
    ['add with -', { l: [1] }, [{ op: 'add', path: '/l/-', value: 2 }], { l: [1, 2] }],
    ['add null value', { a: 1 }, [{ op: 'add', path: '/b', value: null }], { a: 1, b: null }],
    ['add root', { a: 1 }, [{ op: 'add', path: '', value: [1] }], [1]],
    ['remove member', { a: 1, b: 2 }, [{ op: 'remove', path: '/a' }], { b: 2 }],
    ['remove element', { l: [1, 2, 3] }, [{ op: 'remove', path: '/l/1' }], { l: [1, 3] }],
    ['replace', { a: { b: 1 } }, [{ op: 'replace', path: '/a/b', value: 'x' }], { a: { b: 'x' } }],
    ['replace element', { l: [1, 2] }, [{ op: 'replace', path: '/l/0', value: 9 }], { l: [9, 2] }],
    ['replace root', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    ['move', { a: { x: 1 }, b: {} }, [{ op: 'move', from: '/a/x', path: '/b/y' }], { a: {}, b: { y: 1 } }],
    ['move in array', { l: [1, 2, 3] }, [{ op: 'move', from: '/l/0', path: '/l/-' }], { l: [2, 3, 1] }],
    ['move to itself', { a: 1 }, [{ op: 'move', from: '/a', path: '/a' }], { a: 1 }],
    ['copy', { a: { x: [1] } }, [{ op: 'copy', from: '/a', path: '/b' }], { a: { x: [1] }, b: { x: [1] } }],
    ['test passes', { a: { b: [1, { c: 2 }] } }, [{ op: 'test', path: '/a', value: { b: [1, { c: 2 }] } }], { a: { b: [1, { c: 2 }] } }],
    ['escaped pointer', { 'a/b': { 'c~d': 1 } }, [{ op: 'replace', path: '/a~1b/c~0d', value: 2 }], { 'a/b': { 'c~d': 2 } }],
    ['empty key', { '': 1 }, [{ op: 'replace', path: '/', value: 2 }], { '': 2 }],
    ['sequence', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }, { op: 'remove', path: '/a' }, { op: 'test', path: '/b', value: 2 }], { b: 2 }],
    ['kubectl rollout undo', { spec: { template: { x: 1 } }, metadata: { annotations: { a: 'b' } } },
      [{ op: 'replace', path: '/spec/template', value: { y: 2 } }, { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } }],
      { spec: { template: { y: 2 } }, metadata: { annotations: { 'deployment.kubernetes.io/revision': '2' } } }],
    ['__proto__ is a key', {}, JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":1}}]'), JSON.parse('{"__proto__":{"polluted":1}}') as JsonValue],
  ];
  for (const [name, doc, patch, want] of cases) {
    const before = JSON.stringify(doc);
    assert.deepEqual(applyJsonPatch(doc, patch), want, name);
    assert.equal(JSON.stringify(doc), before, `${name}: input untouched`);
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('failures are PatchErrors; the document is never half-patched', () => {
  const doc = { a: 1, l: [1, 2], o: { x: 1 } };
  const cases: Array<[string, unknown, number, RegExp]> = [
    ['not an array', { op: 'add' }, 400, /must be an array/],
    ['op not an object', [1], 400, /not an object/],
    ['unknown op', [{ op: 'frob', path: '/a' }], 400, /Unexpected kind/],
    ['missing value', [{ op: 'add', path: '/b' }], 400, /missing "value"/],
    ['missing path', [{ op: 'remove' }], 400, /"path" must be a string/],
    ['bad pointer', [{ op: 'remove', path: 'a' }], 400, /invalid JSON pointer/],
    ['bad escape', [{ op: 'remove', path: '/a~2' }], 400, /bad escape/],
    ['remove missing', [{ op: 'remove', path: '/zz' }], 422, /missing path/],
    ['replace missing', [{ op: 'replace', path: '/zz', value: 1 }], 422, /missing key/],
    ['missing parent', [{ op: 'add', path: '/zz/y', value: 1 }], 422, /missing path/],
    ['index out of range', [{ op: 'add', path: '/l/5', value: 1 }], 422, /out of bounds/],
    ['leading zero index', [{ op: 'remove', path: '/l/01' }], 422, /invalid array index/],
    ['remove with -', [{ op: 'remove', path: '/l/-' }], 422, /invalid array index/],
    ['into a scalar', [{ op: 'add', path: '/a/b', value: 1 }], 422, /parent is not an object or array/],
    ['move into child', [{ op: 'move', from: '/o', path: '/o/x/y' }], 422, /its own child/],
    ['test fails', [{ op: 'add', path: '/b', value: 1 }, { op: 'test', path: '/a', value: 2 }], 422, /testing value \/a failed/],
    ['test missing', [{ op: 'test', path: '/zz', value: null }], 422, /testing value \/zz failed/],
    ['remove root', [{ op: 'remove', path: '' }], 422, /whole document/],
  ];
  for (const [name, patch, code, re] of cases) {
    assert.throws(() => applyJsonPatch(doc, patch), (e: unknown) => e instanceof PatchError && e.code === code && re.test(e.message), name);
  }
  assert.deepEqual(doc, { a: 1, l: [1, 2], o: { x: 1 } });
});

test('pointers', () => {
  assert.deepEqual(parseJsonPointer(''), []);
  assert.deepEqual(parseJsonPointer('/a~1b/~0/'), ['a/b', '~', '']);
  assert.deepEqual(parseJsonPointer('/~01'), ['~1']);
  assert.equal(escapeJsonPointerToken('a/~b'), 'a~1~0b');
});
