import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneUnknownFields, unknownFieldMessage } from './prune.js';
import { GadgetKind } from './testdata.js';
import { NamespaceKind } from '../core/v1/namespace.js';

test('unknown fields are removed and reported with their paths', () => {
  const obj: Record<string, unknown> = {
    apiVersion: 'test.skiff.dev/v1',
    kind: 'Gadget',
    metadata: { name: 'g', colour: 'red', labels: { anything: 'goes' } },
    spec: {
      foo: 1,
      parts: [{ name: 'a' }, { name: 'b', bogus: true, ports: [{ port: 1, extra: 'x' }] }],
      named: { web: { port: 1, junk: 2 } },
      extension: { free: { form: true } },
    },
    status: {},
  };
  const removed = pruneUnknownFields(GadgetKind, obj);
  assert.deepEqual(removed, ['metadata.colour', 'spec.foo', 'spec.parts[1].bogus', 'spec.parts[1].ports[0].extra', 'spec.named.web.junk', 'status']);
  assert.deepEqual(obj, {
    apiVersion: 'test.skiff.dev/v1',
    kind: 'Gadget',
    metadata: { name: 'g', labels: { anything: 'goes' } },
    spec: { parts: [{ name: 'a' }, { name: 'b', ports: [{ port: 1 }] }], named: { web: { port: 1 } }, extension: { free: { form: true } } },
  });
  assert.equal(unknownFieldMessage(removed[1]!), 'unknown field "spec.foo"');
});

test('prototype-looking keys are unknown fields, not schema lookups', () => {
  const obj = JSON.parse('{"metadata":{"name":"x","constructor":1,"__proto__":{"a":1}},"toString":2}') as Record<string, unknown>;
  assert.deepEqual(pruneUnknownFields(NamespaceKind, obj), ['metadata.constructor', 'metadata.__proto__', 'toString']);
  assert.deepEqual(obj, { metadata: { name: 'x' } });
});

test('a clean object reports nothing; wrong types are left for validation', () => {
  const obj: Record<string, unknown> = { metadata: { name: 'a' }, spec: { parts: 'nope', named: [1] } };
  assert.deepEqual(pruneUnknownFields(GadgetKind, obj), []);
  assert.deepEqual(obj, { metadata: { name: 'a' }, spec: { parts: 'nope', named: [1] } });
});

test('declared fields set to null are dropped silently; raw nulls and map values stay', () => {
  const obj: Record<string, unknown> = {
    metadata: { name: 'a', creationTimestamp: null, labels: { x: null } },
    spec: { replicas: null, extension: null, parts: [{ name: 'p', image: null }] },
  };
  assert.deepEqual(pruneUnknownFields(GadgetKind, obj), []);
  assert.deepEqual(obj, { metadata: { name: 'a', labels: { x: null } }, spec: { extension: null, parts: [{ name: 'p' }] } });
});
