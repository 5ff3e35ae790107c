/**
 * applyDefaults normalizes and defaults in one walk. These tests hold it to what the two
 * separate walks it replaced did (normalizeObject, then the defaults walk below, kept
 * here as the oracle), on every kind's samples thinned and scribbled over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyDefaults } from './defaults.js';
import { normalizeObject } from './normalize.js';
import { isPlainObject, MAX_NESTING } from './errors.js';
import { scribbledSample } from './test-corpus.js';
import { GadgetKind } from './testdata.js';
import { Registry } from '../registry.js';
import type { KindSpec, ObjectSchema, TypeSpec } from './dsl.js';

const kinds: KindSpec[] = [...new Registry().all(), GadgetKind];
const RUNS = Number(process.env.SCHEMA_PROPERTY_RUNS ?? 40);

/** The defaults walk as it was before fusing: run after normalizeObject. */
function oracleDefaults(spec: KindSpec, obj: Record<string, unknown>): void {
  if (!isPlainObject(obj)) return;
  normalizeObject(spec, obj);
  oracleObject(spec.schema, obj, 0);
}

function oracleObject(schema: ObjectSchema<unknown>, obj: Record<string, unknown>, depth: number): void {
  for (const [name, field] of Object.entries(schema.fields)) {
    const present = Object.hasOwn(obj, name) && obj[name] !== undefined && obj[name] !== null;
    if (!present && field.default !== undefined) {
      const d = field.default;
      obj[name] = typeof d === 'function' ? (d as () => unknown)() : structuredClone(d);
    }
    if (Object.hasOwn(obj, name)) oracleValue(field.type, obj[name], depth);
  }
  if (schema.applyDefaults) {
    try {
      schema.applyDefaults(obj);
    } catch {
      // as applyDefaults
    }
  }
}

function oracleValue(type: TypeSpec, value: unknown, depth: number): void {
  if (depth >= MAX_NESTING) return;
  const walks = (t: TypeSpec) => t.kind === 'object' || t.kind === 'map' || t.kind === 'list';
  if (type.kind === 'object' && isPlainObject(value)) oracleObject(type.ref(), value, depth + 1);
  else if (type.kind === 'map' && isPlainObject(value) && walks(type.values)) for (const v of Object.values(value)) oracleValue(type.values, v, depth + 1);
  else if (type.kind === 'list' && Array.isArray(value) && walks(type.items)) for (const v of value) oracleValue(type.items, v, depth + 1);
}

/** Same values, same key order (JSON text), same undefined holes (deepStrictEqual). */
function assertSame(fused: unknown, oracle: unknown): void {
  assert.equal(JSON.stringify(fused), JSON.stringify(oracle));
  assert.deepStrictEqual(fused, oracle);
}

test('the fused walk leaves every kind exactly as normalize-then-default did', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(scribbledSample(spec), (input) => {
        const fused = structuredClone(input);
        const oracle = structuredClone(input);
        applyDefaults(spec, fused);
        oracleDefaults(spec, oracle);
        assertSame(fused, oracle);
      }),
      { numRuns: RUNS },
    );
  }
});

test('the fused walk matches on arbitrary JSON too', () => {
  for (const spec of [GadgetKind, ...kinds.filter((k) => k.kind === 'Pod' || k.kind === 'Deployment')]) {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'status', 'x'), fc.jsonValue({ maxDepth: 4 })), (input) => {
        const fused = structuredClone(input) as Record<string, unknown>;
        const oracle = structuredClone(input) as Record<string, unknown>;
        applyDefaults(spec, fused);
        oracleDefaults(spec, oracle);
        assertSame(fused, oracle);
      }),
      { numRuns: RUNS },
    );
  }
});

test('a pod as kubectl sends it: quantities and times canonical, defaults filled, in the same order', () => {
  const pod = () => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', creationTimestamp: '2026-11-26T17:10:47.9+01:00', labels: { app: 'x' } },
    spec: { containers: [{ name: 'main', image: 'busybox', resources: { limits: { cpu: 0.5, memory: '1.5Gi' } } }] },
  });
  const spec = kinds.find((k) => k.kind === 'Pod' && k.group === '')!;
  const fused: Record<string, unknown> = pod();
  const oracle: Record<string, unknown> = pod();
  applyDefaults(spec, fused);
  oracleDefaults(spec, oracle);
  assertSame(fused, oracle);
  const c = (fused as any).spec.containers[0];
  assert.deepEqual(c.resources, { limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '500m', memory: '1536Mi' } });
  assert.equal((fused as any).metadata.creationTimestamp, '2026-11-26T16:10:47Z');
});
