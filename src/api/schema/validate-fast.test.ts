/**
 * validateObject looks only at the fields an object holds (and required ones it lacks).
 * These tests hold it to the walk that visits every declared field, which it replaced:
 * the same errors, in the same order, on every kind's samples thinned and scribbled over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyDefaults } from './defaults.js';
import { validateObject, validateObjectVisitingAll } from './validate.js';
import { scribbledSample } from './test-corpus.js';
import { GadgetKind } from './testdata.js';
import { Registry } from '../registry.js';
import type { KindSpec } from './dsl.js';

const kinds: KindSpec[] = [...new Registry().all(), GadgetKind];
const RUNS = Number(process.env.SCHEMA_PROPERTY_RUNS ?? 40);

const same = (spec: KindSpec, obj: unknown, old?: unknown) => assert.deepStrictEqual(validateObject(spec, obj, old), validateObjectVisitingAll(spec, obj, old));

test('creates: the same errors in the same order as visiting every field', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(scribbledSample(spec), fc.boolean(), (obj, defaulted) => {
        if (defaulted) applyDefaults(spec, obj);
        same(spec, obj);
      }),
      { numRuns: RUNS },
    );
  }
});

test('updates: the same errors against another object of the kind', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(scribbledSample(spec), scribbledSample(spec), (obj, old) => same(spec, obj, old)),
      { numRuns: RUNS },
    );
  }
});

test('arbitrary JSON: the same errors', () => {
  for (const spec of kinds) {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'x'), fc.jsonValue({ maxDepth: 4 })), (obj) => same(spec, obj)),
      { numRuns: RUNS / 2 },
    );
  }
});

test('a pod missing required fields, keys out of order: errors in declared order', () => {
  const pod = kinds.find((k) => k.kind === 'Pod' && k.group === '')!;
  const obj = { spec: { containers: [{ image: 7, name: null, ports: [{ protocol: 'TCP' }] }] }, metadata: { name: 'p' }, kind: 'Pod', apiVersion: 'v1' };
  const errs = validateObject(pod, obj);
  assert.deepStrictEqual(errs, validateObjectVisitingAll(pod, obj));
  assert.deepEqual(
    errs.map((e) => `${e.type} ${e.field}`),
    ['FieldValueRequired spec.containers[0].name', 'FieldValueTypeInvalid spec.containers[0].image', 'FieldValueRequired spec.containers[0].ports[0].containerPort'],
  );
});
