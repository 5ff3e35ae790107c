/**
 * applyStrategicMergePatch against the cases of upstream's strategicpatch tests (their test
 * schema, restated here): element order, $setElementOrder, $patch and $retainKeys directives,
 * merging lists nested in merging lists, and the typed errors of bad patches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { patchMetaFromTable, type PatchMetaTable } from './patch-meta.js';
import { PatchError } from './patch-error.js';
import type { JsonObject } from './json-value.js';

const merge = (key?: string, items: PatchMetaTable = {}): PatchMetaTable => ({ patchStrategy: ['merge'], ...(key ? { patchMergeKey: key } : {}), items });

// The test schema of upstream's strategicpatch tests.
const upstreamMeta = patchMetaFromTable({
  fields: {
    mergingList: merge('name'),
    mergeItemPtr: merge('name'),
    mergingIntList: merge(),
    nonMergingList: {},
    retainKeysMap: { patchStrategy: ['retainKeys'], fields: { mergingList: merge('name'), mergingIntList: merge() } },
    retainKeysMergingList: { patchStrategy: ['merge', 'retainKeys'], patchMergeKey: 'name', items: {} },
    replacingItem: { patchStrategy: ['replace'] },
  },
});

// upstream's recursive mergeItem test type: elements of merging lists are mergeItems again.
const mergeItem: { fields: Record<string, PatchMetaTable> } = { fields: {} };
Object.assign(mergeItem.fields, {
  mergingList: { patchStrategy: ['merge'], patchMergeKey: 'name', items: mergeItem },
  mergeItemPtr: { patchStrategy: ['merge'], patchMergeKey: 'name', items: mergeItem },
  nonMergingList: { items: mergeItem },
  mergingIntList: { patchStrategy: ['merge'] },
  replacingItem: { patchStrategy: ['replace'] },
});
const mergeItemMeta = patchMetaFromTable(mergeItem);

test('upstream ordering and directive cases', () => {
  const cases: Array<{ name: string; original: JsonObject; patch: JsonObject; want: JsonObject }> = [
    {
      name: 'add map and delete map from merging list with conflict',
      original: { mergingList: [{ name: '1', other: 'a' }, { name: '4', other: 'c' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '2' }, { name: '3' }], mergingList: [{ name: '2' }, { name: '3' }, { name: '1', $patch: 'delete' }] },
      want: { mergingList: [{ name: '4', other: 'c' }, { name: '2' }, { name: '3' }] },
    },
    {
      name: 'add map and delete map from merging list (server-only item in between)',
      original: { mergingList: [{ name: '1' }, { name: '2', other: 'b' }, { name: '4', other: 'c' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '2' }, { name: '3' }], mergingList: [{ name: '3' }, { name: '1', $patch: 'delete' }] },
      want: { mergingList: [{ name: '2', other: 'b' }, { name: '4', other: 'c' }, { name: '3' }] },
    },
    {
      name: 'merge lists of maps',
      original: { mergingList: [{ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '4' }, { name: '1' }, { name: '2' }, { name: '3' }], mergingList: [{ name: '4', value: '4' }, { name: '3', value: '3' }] },
      want: { mergingList: [{ name: '4', value: '4' }, { name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }, { name: '3', value: '3' }] },
    },
    {
      name: 'add field to map in merging list with conflict',
      original: { mergingList: [{ name: '1', other: 'a' }, { name: '3', value: '2', other: 'b' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }], mergingList: [{ name: '1', value: '1' }, { name: '2', value: '2' }] },
      want: { mergingList: [{ name: '1', value: '1', other: 'a' }, { name: '2', value: '2' }, { name: '3', value: '2', other: 'b' }] },
    },
    {
      name: 'delete missing map from merging list with conflict',
      original: { mergingList: [{ name: '3', other: 'a' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '2' }], mergingList: [{ name: '2' }, { name: '1', $patch: 'delete' }] },
      want: { mergingList: [{ name: '2' }, { name: '3', other: 'a' }] },
    },
    {
      name: 'delete all duplicate items in lists of scalars',
      original: { mergingIntList: [1, 2, 3, 3, 4] },
      patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
      want: { mergingIntList: [1, 2, 4] },
    },
    {
      name: 'add and delete items in lists of scalars',
      original: { mergingIntList: [1, 2, 3] },
      patch: { '$setElementOrder/mergingIntList': [1, 2, 4], '$deleteFromPrimitiveList/mergingIntList': [3], mergingIntList: [4] },
      want: { mergingIntList: [1, 2, 4] },
    },
    {
      name: 'delete items in lists of scalars',
      original: { mergingIntList: [1, 2, 3, 4] },
      patch: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
      want: { mergingIntList: [1, 2, 4] },
    },
    {
      name: 'nested patch merge with empty list',
      original: { name: 'hi', mergingList: [{ name: 'hello2' }] },
      patch: { '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }], mergingList: [{ name: 'hello' }] },
      want: { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
    },
    {
      name: 'new list drops $patch elements',
      original: { name: 'hi' },
      patch: { mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
      want: { name: 'hi', mergingList: [{ name: 'hello' }] },
    },
    {
      name: '$setElementOrder contains an item not present in the list',
      original: { mergingList: [{ name: '1' }, { name: '3' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '3' }, { name: '2' }, { name: '1' }], mergingList: [{ name: '3', value: '3' }, { name: '1', value: '1' }] },
      want: { mergingList: [{ name: '3', value: '3' }, { name: '1', value: '1' }] },
    },
    {
      name: '$setElementOrder contains an item not present in the int list',
      original: { mergingIntList: [1, 3] },
      patch: { '$setElementOrder/mergingIntList': [3, 2, 1] },
      want: { mergingIntList: [3, 1] },
    },
    {
      name: 'server-only items keep their place between reordered ones',
      original: { mergingIntList: [1, 2, 7, 9, 8, 3, 4] },
      patch: { '$setElementOrder/mergingIntList': [2, 1, 4, 3] },
      want: { mergingIntList: [2, 1, 7, 9, 8, 4, 3] },
    },
    {
      name: 'delete and reorder in one list, reorder in another',
      original: { mergingList: [{ name: 'a', value: 'a' }, { name: 'b', value: 'b' }], mergeItemPtr: [{ name: 'c', value: 'c' }, { name: 'd', value: 'd' }] },
      patch: { '$setElementOrder/mergingList': [{ name: 'b' }], '$setElementOrder/mergeItemPtr': [{ name: 'd' }, { name: 'c' }], mergingList: [{ $patch: 'delete', name: 'a' }] },
      want: { mergingList: [{ name: 'b', value: 'b' }], mergeItemPtr: [{ name: 'd', value: 'd' }, { name: 'c', value: 'c' }] },
    },
    {
      name: 'retainKeys map with nested merging list and no change',
      original: { retainKeysMap: { name: 'foo', mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
      patch: { retainKeysMap: { $retainKeys: ['mergingList', 'name', 'value'], '$setElementOrder/mergingList': [{ name: 'a' }, { name: 'b' }], value: 'bar' } },
      want: { retainKeysMap: { name: 'foo', value: 'bar', mergingList: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
    },
    {
      name: 'retainKeys clears keys not listed',
      original: { retainKeysMap: { name: 'foo', mergingIntList: [1, 2, 3] } },
      patch: { retainKeysMap: { $retainKeys: ['name'], mergingIntList: null } },
      want: { retainKeysMap: { name: 'foo' } },
    },
    {
      name: 'retainKeys inside a merging list element',
      original: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'x' }] },
      patch: { '$setElementOrder/retainKeysMergingList': [{ name: 'bar' }, { name: 'foo' }], retainKeysMergingList: [{ $retainKeys: ['name'], name: 'foo', value: null }] },
      want: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo' }] },
    },
    {
      name: 'duplicates in a merging list keep their relative order',
      original: { mergingList: [{ name: '1' }, { name: '2', value: 'dup1' }, { name: '3' }, { name: '2', value: 'dup2' }, { name: '4' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }, { name: '2' }] },
      want: { mergingList: [{ name: '2', value: 'dup1' }, { name: '2', value: 'dup2' }, { name: '1' }, { name: '4' }, { name: '3' }] },
    },
    {
      name: 'duplicates in a merging int list',
      original: { mergingIntList: [1, 2, 3, 2, 4] },
      patch: { '$setElementOrder/mergingIntList': [2, 1, 4, 3, 2] },
      want: { mergingIntList: [2, 2, 1, 4, 3] },
    },
    {
      name: 'patch order wins over live order without $setElementOrder',
      original: { mergingIntList: [1, 2, 3] },
      patch: { mergingIntList: [3, 1] },
      want: { mergingIntList: [2, 3, 1] },
    },
    {
      name: 'merging int list gains new values, de-duplicated',
      original: { mergingIntList: [1, 2] },
      patch: { mergingIntList: [2, 3] },
      want: { mergingIntList: [1, 2, 3] },
    },
    {
      name: '$patch: replace on a merging list',
      original: { mergingList: [{ name: 'a', value: 'x' }, { name: 'b' }] },
      patch: { mergingList: [{ name: 'c' }, { $patch: 'replace' }] },
      want: { mergingList: [{ name: 'c' }] },
    },
    {
      name: '$patch: replace on a map',
      original: { m: { a: 1, b: 2 } },
      patch: { m: { $patch: 'replace', c: 3 } },
      want: { m: { c: 3 } },
    },
    {
      name: '$patch: delete on a map empties it (as upstream)',
      original: { m: { a: 1 }, keep: true },
      patch: { m: { $patch: 'delete' } },
      want: { m: {}, keep: true },
    },
    {
      name: 'whole object $patch: delete',
      original: { a: 1 },
      patch: { $patch: 'delete' },
      want: {},
    },
    {
      name: 'null deletes; unknown maps merge; non-merge lists replace',
      original: { a: 1, m: { x: 1, y: 2 }, nonMergingList: [{ name: 'a' }, { name: 'b' }] },
      patch: { a: null, missing: null, m: { y: null, z: 3 }, nonMergingList: [{ name: 'c', v: null }] },
      want: { m: { x: 1, z: 3 }, nonMergingList: [{ name: 'c' }] },
    },
    {
      name: 'replace strategy on a map',
      original: { replacingItem: { a: 1, b: 2 } },
      patch: { replacingItem: { c: 3 } },
      want: { replacingItem: { c: 3 } },
    },
    {
      name: 'type change takes the patch value',
      original: { mergingList: 'oops', n: 1 },
      patch: { mergingList: [{ name: 'a', gone: null }], n: 'two' },
      want: { mergingList: [{ name: 'a' }], n: 'two' },
    },
    {
      // Without $setElementOrder, upstream puts patch elements unknown to the live list first.
      name: 'new element merged in; nested nulls and directives cleaned',
      original: { mergingList: [{ name: 'a' }] },
      patch: { mergingList: [{ name: 'b', x: null, sub: { y: null, z: 1 }, '$setElementOrder/foo': [] }] },
      want: { mergingList: [{ name: 'b', sub: { z: 1 } }, { name: 'a' }] },
    },
    {
      name: '$deleteFromPrimitiveList of a missing list does nothing',
      original: { a: 1 },
      patch: { '$deleteFromPrimitiveList/mergingIntList': [1] },
      want: { a: 1 },
    },
    {
      name: '__proto__ is just a key',
      original: { m: {} },
      patch: JSON.parse('{"m":{"__proto__":{"polluted":1}}}') as JsonObject,
      want: JSON.parse('{"m":{"__proto__":{"polluted":1}}}') as JsonObject,
    },
  ];
  for (const c of cases) {
    const got = applyStrategicMergePatch(c.original, c.patch, upstreamMeta);
    assert.deepEqual(got, c.want, c.name);
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('upstream nested merging-list cases (recursive metadata)', () => {
  const cases: Array<{ name: string; original: JsonObject; patch: JsonObject; want: JsonObject }> = [
    {
      name: 'add field to map in merging list nested in merging list with deletion conflict',
      original: { mergingList: [{ name: '1', other: 'a', mergingList: [{ name: '2', value: '2', other: 'd' }] }, { name: '2', other: 'b' }] },
      patch: {
        '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }],
        mergingList: [{ '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }], name: '1', mergingList: [{ name: '1', value: '1' }] }],
      },
      want: { mergingList: [{ name: '1', other: 'a', mergingList: [{ name: '1', value: '1' }, { name: '2', value: '2', other: 'd' }] }, { name: '2', other: 'b' }] },
    },
    {
      name: 'same, with the nested order reversed',
      original: { mergingList: [{ name: '1', other: 'a', mergingList: [{ name: '2', value: '2', other: 'd' }] }, { name: '2', other: 'b' }] },
      patch: {
        '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }],
        mergingList: [{ '$setElementOrder/mergingList': [{ name: '2' }, { name: '1' }], name: '1', mergingList: [{ name: '1', value: '1' }] }],
      },
      want: { mergingList: [{ name: '1', other: 'a', mergingList: [{ name: '2', value: '2', other: 'd' }, { name: '1', value: '1' }] }, { name: '2', other: 'b' }] },
    },
    {
      name: 'replace non merging list nested in merging list',
      original: { mergingList: [{ name: '1', other: 'a', nonMergingList: [{ name: '1' }, { name: '2', value: '2' }] }, { name: '2', other: 'b' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }], mergingList: [{ name: '1', nonMergingList: [{ name: '1', value: '1' }] }] },
      want: { mergingList: [{ name: '1', other: 'a', nonMergingList: [{ name: '1', value: '1' }] }, { name: '2', other: 'b' }] },
    },
    {
      name: 'add map to merging list by pointer',
      original: { mergeItemPtr: [{ name: '1', other: 'a' }, { name: '3' }] },
      patch: { '$setElementOrder/mergeItemPtr': [{ name: '1' }, { name: '2' }], mergeItemPtr: [{ name: '2' }] },
      want: { mergeItemPtr: [{ name: '1', other: 'a' }, { name: '2' }, { name: '3' }] },
    },
    {
      name: 'add map to merging list by pointer with conflict',
      original: { mergeItemPtr: [{ name: '3' }] },
      patch: { '$setElementOrder/mergeItemPtr': [{ name: '1' }, { name: '2' }], mergeItemPtr: [{ name: '1' }, { name: '2' }] },
      want: { mergeItemPtr: [{ name: '1' }, { name: '2' }, { name: '3' }] },
    },
    {
      name: 'delete missing field from map in merging list with conflict',
      original: { mergingList: [{ name: '1', other: 'a' }, { name: '2', other: 'b' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }], mergingList: [{ name: '1', value: null }, { name: '2', value: '2' }] },
      want: { mergingList: [{ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }] },
    },
  ];
  for (const c of cases) assert.deepEqual(applyStrategicMergePatch(c.original, c.patch, mergeItemMeta), c.want, c.name);
});

test('errors are typed PatchErrors', () => {
  const cases: Array<{ name: string; original: JsonObject; patch: unknown; code: number; msg: RegExp }> = [
    {
      name: 'order mismatch',
      original: { mergingList: [{ name: '1' }, { name: '3' }, { name: '2' }] },
      patch: { '$setElementOrder/mergingList': [{ name: '1' }, { name: '2' }, { name: '3' }], mergingList: [{ name: '3', value: '3' }, { name: '1', value: '1' }] },
      code: 400,
      msg: /doesn't match \$setElementOrder list/,
    },
    { name: 'patch element without merge key', original: { mergingList: [{ name: 'a' }] }, patch: { mergingList: [{ value: 'x' }] }, code: 422, msg: /does not contain declared merge key: name/ },
    { name: 'live element without merge key', original: { mergingList: [{ value: 'a' }] }, patch: { mergingList: [{ name: 'x' }] }, code: 422, msg: /map: map\[value:a\] does not contain declared merge key: name/ },
    { name: 'unknown $patch', original: { m: { a: 1 } }, patch: { m: { $patch: 'frobnicate' } }, code: 400, msg: /unknown patch type: frobnicate in map/ },
    { name: '$patch: merge in a list', original: { mergingList: [{ name: 'a' }] }, patch: { mergingList: [{ $patch: 'merge' }] }, code: 400, msg: /merging lists cannot yet be specified/ },
    { name: 'retainKeys not a list', original: { retainKeysMap: {} }, patch: { retainKeysMap: { $retainKeys: 'x' } }, code: 400, msg: /invalid patch format of retainKeys/ },
    { name: 'patch key outside retainKeys', original: { retainKeysMap: {} }, patch: { retainKeysMap: { $retainKeys: ['name'], other: 1 } }, code: 400, msg: /invalid patch format of retainKeys/ },
    { name: 'list of lists', original: { mergingIntList: [1] }, patch: { mergingIntList: [[1]] }, code: 422, msg: /list element types are not identical|lists of lists/ },
    { name: 'mixed element types', original: { mergingIntList: [1] }, patch: { mergingIntList: ['a'] }, code: 422, msg: /list element types are not identical/ },
    { name: 'patch is not an object', original: {}, patch: [1], code: 400, msg: /invalid JSON document/ },
    { name: 'bad $setElementOrder key', original: {}, patch: { $setElementOrder: [1] }, code: 400, msg: /invalid patch format of setElementOrder list/ },
  ];
  for (const c of cases) {
    assert.throws(
      () => applyStrategicMergePatch(c.original, c.patch as JsonObject, upstreamMeta),
      (e: unknown) => e instanceof PatchError && e.code === c.code && c.msg.test(e.message),
      c.name,
    );
  }
});
