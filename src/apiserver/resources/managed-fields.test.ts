/**
 * fieldSet builds each level once, without intermediate copies. These tests hold it to the
 * straightforward version it replaced (kept here as the oracle), on arbitrary JSON and
 * on every kind's sample objects, with and without an old object to diff against.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Registry } from '../../api/registry.js';
import { sampleObject } from '../../api/schema/index.js';
import { fieldSet, recordManager } from './managed-fields.js';
import { jsonEqual } from './object-meta.js';

type FieldSet = Record<string, unknown>;
const SKIP_TOP = new Set(['apiVersion', 'kind']);
const SERVER_META = new Set(['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

function oracleListKey(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  for (const k of ['name', 'containerPort', 'type', 'uid', 'key', 'ip', 'mountPath', 'port']) {
    if (typeof o[k] === 'string' || typeof o[k] === 'number') return `k:${JSON.stringify({ [k]: o[k] })}`;
  }
  return undefined;
}

function oracleFieldSet(value: unknown, old?: unknown, top = true): FieldSet {
  const out: FieldSet = {};
  if (value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const item of value) {
      const k = oracleListKey(item);
      if (k === undefined) continue;
      out[k] = { '.': {}, ...oracleFieldSet(item, undefined, false) };
    }
    return out;
  }
  const o = value as Record<string, unknown>;
  const prev = old !== null && typeof old === 'object' && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
  for (const [k, v] of Object.entries(o)) {
    if (top && SKIP_TOP.has(k)) continue;
    if (top && k === 'metadata' && v && typeof v === 'object') {
      const mv = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([mk]) => !SERVER_META.has(mk) && mk !== 'name' && mk !== 'namespace'));
      const sub = oracleFieldSet(mv, prev?.metadata, false);
      if (Object.keys(sub).length > 0) out['f:metadata'] = sub;
      continue;
    }
    if (prev && jsonEqual(v, prev[k])) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const sub = oracleFieldSet(v, prev?.[k], false);
      out[`f:${k}`] = Object.keys(sub).length > 0 ? sub : {};
    } else if (Array.isArray(v)) {
      const sub = oracleFieldSet(v, undefined, false);
      out[`f:${k}`] = Object.keys(sub).length > 0 ? sub : {};
    } else out[`f:${k}`] = {};
  }
  return out;
}

const same = (a: unknown, b: unknown) => {
  assert.equal(JSON.stringify(a), JSON.stringify(b)); // key order too
  assert.deepStrictEqual(a, b);
};

/** JSON shaped like objects: list items with key fields, metadata with server fields. */
const keyed = fc.record({ name: fc.constantFrom('a', 'b', 'a'), port: fc.integer({ min: 1, max: 3 }), x: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] });
const objLike = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata: fc.oneof(
      fc.record({ name: fc.string(), namespace: fc.string(), uid: fc.string(), labels: fc.dictionary(fc.string(), fc.string()), managedFields: fc.array(fc.object()) }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    spec: fc.dictionary(fc.constantFrom('containers', 'ports', 'x', 'y'), fc.oneof(fc.array(keyed, { maxLength: 3 }), fc.jsonValue({ maxDepth: 3 }))),
    status: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

test('fieldSet equals the oracle on object-like and arbitrary JSON, with and without old', () => {
  fc.assert(
    fc.property(fc.oneof(objLike, fc.jsonValue({ maxDepth: 4 })), fc.option(fc.oneof(objLike, fc.jsonValue({ maxDepth: 3 }))), (value, old) => {
      same(fieldSet(value), oracleFieldSet(value));
      same(fieldSet(value, old ?? undefined), oracleFieldSet(value, old ?? undefined));
      same(fieldSet(value, value), oracleFieldSet(value, value));
    }),
    { numRuns: 300 },
  );
});

test('fieldSet equals the oracle on every kind sample, against itself edited', () => {
  for (const spec of new Registry().all()) {
    const obj = sampleObject(spec, { maxDepth: 5 });
    same(fieldSet(obj), oracleFieldSet(obj));
    const edited = structuredClone(obj) as Record<string, any>;
    if (edited.spec && typeof edited.spec === 'object') edited.spec.__changed = 1;
    same(fieldSet(edited, obj), oracleFieldSet(edited, obj));
  }
});

test('recordManager on a new object: one Update entry holding the whole set', () => {
  const obj: Record<string, any> = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  recordManager(obj, undefined, { manager: 'kubectl', operation: 'Update', apiVersion: 'v1', now: new Date('2026-01-01T00:00:00.5Z') });
  assert.deepEqual(obj.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } },
    },
  ]);
});
