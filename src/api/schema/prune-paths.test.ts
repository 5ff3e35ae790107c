/**
 * pruneUnknownFields builds a field's path only when something under it is unknown. These
 * tests hold it to the version that built every path (kept here as the oracle): the same
 * paths in the same order, the same object left, on every kind with unknown keys added.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { pruneUnknownFields } from './prune.js';
import { isPlainObject, MAX_NESTING } from './errors.js';
import { scribbledSample } from './test-corpus.js';
import { GadgetKind } from './testdata.js';
import { Registry } from '../registry.js';
import type { KindSpec, ObjectSchema, TypeSpec } from './dsl.js';

const kinds: KindSpec[] = [...new Registry().all(), GadgetKind];
const RUNS = Number(process.env.SCHEMA_PROPERTY_RUNS ?? 40);

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

function oraclePrune(spec: KindSpec, obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (isPlainObject(obj)) oracleObject(spec.schema, obj, '', out, 0);
  return out;
}

function oracleObject(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, path: string, out: string[], depth: number): void {
  for (const name of Object.keys(obj)) {
    const field = Object.hasOwn(schema.fields, name) ? schema.fields[name] : undefined;
    if (!field) {
      out.push(join(path, name));
      delete obj[name];
      continue;
    }
    if (obj[name] === null && field.type.kind !== 'raw') {
      delete obj[name];
      continue;
    }
    oracleValue(field.type, obj[name], join(path, name), out, depth);
  }
}

function oracleValue(type: TypeSpec, value: unknown, path: string, out: string[], depth: number): void {
  if (depth >= MAX_NESTING) return;
  if (type.kind === 'object' && isPlainObject(value)) oracleObject(type.ref(), value, path, out, depth + 1);
  else if (type.kind === 'map' && isPlainObject(value)) for (const [k, v] of Object.entries(value)) oracleValue(type.values, v, join(path, k), out, depth + 1);
  else if (type.kind === 'list' && Array.isArray(value)) value.forEach((v, i) => oracleValue(type.items, v, `${path}[${i}]`, out, depth + 1));
}

/** Adds unknown keys to some of the objects in `obj` (including map keys like '' and 'a.b'). */
function withUnknownKeys(obj: Record<string, unknown>, picks: number[]): Record<string, unknown> {
  const objects: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isPlainObject(v)) {
      objects.push(v);
      Object.values(v).forEach(walk);
    }
  };
  walk(obj);
  for (const [n, pick] of picks.entries()) {
    const o = objects[pick % Math.max(objects.length, 1)];
    if (o) o[['bogus', '', 'a.b', 'constructor', `x${n}`][n % 5]!] = n % 2 ? { nested: n } : n;
  }
  return obj;
}

test('the same unknown paths, in the same order, and the same object left, on every kind', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(scribbledSample(spec), fc.array(fc.nat(), { maxLength: 6 }), (sample, picks) => {
        const input = withUnknownKeys(sample, picks);
        const lazy = structuredClone(input);
        const oracle = structuredClone(input);
        assert.deepStrictEqual(pruneUnknownFields(spec, lazy), oraclePrune(spec, oracle));
        assert.deepStrictEqual(lazy, oracle);
        assert.equal(JSON.stringify(lazy), JSON.stringify(oracle));
      }),
      { numRuns: RUNS },
    );
  }
});

test('arbitrary JSON: the same paths and result', () => {
  for (const spec of kinds.filter((k) => k.kind === 'Pod' || k.kind === 'Gadget' || k.kind === 'Deployment')) {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'status', 'x'), fc.jsonValue({ maxDepth: 5 })), (input) => {
        const lazy = structuredClone(input) as Record<string, unknown>;
        const oracle = structuredClone(input) as Record<string, unknown>;
        assert.deepStrictEqual(pruneUnknownFields(spec, lazy), oraclePrune(spec, oracle));
        assert.deepStrictEqual(lazy, oracle);
      }),
      { numRuns: RUNS },
    );
  }
});
