import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PriorityClassKind, type PriorityClass } from './index.js';
import { applySchemaDefaults, render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { validateObject } from '../../schema/index.js';

const pc = (): PriorityClass => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name: 'high-priority', creationTimestamp: '2026-01-01T00:00:00Z' },
  value: 1000000,
  globalDefault: false,
  description: 'For services that must not be preempted by batch work.',
});

test('PriorityClass: defaults preemptionPolicy, is valid, prints value', () => {
  const o = applySchemaDefaults(PriorityClassKind.schema, pc());
  assert.equal(o.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(validateWithHooks(PriorityClassKind, o), []);
  assert.deepEqual(validateObject(PriorityClassKind, o), []);
  assert.deepEqual(render(validateObject(PriorityClassKind, { metadata: { name: 'x' } })), ['value: Required value']);
  assert.deepEqual(
    PriorityClassKind.printerColumns.map((c) => [c.name, c.value(o, new Date())]),
    [['Value', 1000000], ['Global-Default', false], ['Age', '2026-01-01T00:00:00Z'], ['PreemptionPolicy', 'PreemptLowerPriority']],
  );
  assert.deepEqual(validateWithHooks(PriorityClassKind, { metadata: { name: 'system-node-critical' }, value: 2000001000 }), []);
});

test('PriorityClass: value is immutable and bounded; system- names reserved', () => {
  const old = applySchemaDefaults(PriorityClassKind.schema, pc());
  const upd = { ...structuredClone(old), value: 5, preemptionPolicy: 'Never' as const };
  assert.deepEqual(render(validateWithHooks(PriorityClassKind, upd, old)), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
  assert.deepEqual(render(validateWithHooks(PriorityClassKind, { ...pc(), value: 2000000000 })), [
    'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
  ]);
  assert.deepEqual(render(validateWithHooks(PriorityClassKind, { ...pc(), metadata: { name: 'system-mine' } })), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved",
  ]);
});
