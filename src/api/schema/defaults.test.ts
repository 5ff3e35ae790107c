import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from './defaults.js';
import { GadgetKind } from './testdata.js';

test('field defaults fill only absent (or null) fields, then hooks run depth first', () => {
  const obj: Record<string, unknown> = {
    metadata: { name: 'g' },
    spec: {
      parts: [
        { name: 'a', image: 'nginx:latest', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] },
        { name: 'b', image: 'nginx:1.27', pullPolicy: 'Never' },
        { name: 'c', image: 'x' },
      ],
      named: { web: { name: 'web', port: 8080 } },
      enabled: null,
    },
  };
  applyDefaults(GadgetKind, obj);
  assert.deepEqual(obj, {
    metadata: { name: 'g' },
    spec: {
      replicas: 1,
      parts: [
        {
          name: 'a',
          image: 'nginx:latest',
          ports: [
            { name: 'http', port: 80, protocol: 'TCP' },
            { name: 'dns', port: 53, protocol: 'UDP' },
          ],
          pullPolicy: 'Always',
        },
        { name: 'b', image: 'nginx:1.27', pullPolicy: 'Never' },
        { name: 'c', image: 'x', pullPolicy: 'IfNotPresent' },
      ],
      named: { web: { name: 'web', port: 8080, protocol: 'TCP' } },
      enabled: null,
    },
  });
});

test('explicit values, including zero, are kept', () => {
  const obj: Record<string, unknown> = { spec: { replicas: 0 } };
  applyDefaults(GadgetKind, obj);
  assert.deepEqual(obj, { spec: { replicas: 0 } });
});

test('defaulting is idempotent', () => {
  const obj: Record<string, unknown> = { spec: { parts: [{ name: 'a', ports: [{ name: 'p', port: 1 }] }] } };
  applyDefaults(GadgetKind, obj);
  const once = structuredClone(obj);
  applyDefaults(GadgetKind, obj);
  assert.deepEqual(obj, once);
});

test('malformed shapes are skipped, never thrown on', () => {
  for (const spec of [5, 'x', [], { parts: 'no' }, { parts: [null, 3, { ports: 7 }] }, { named: [] }]) {
    const obj: Record<string, unknown> = { spec };
    applyDefaults(GadgetKind, obj);
  }
  const obj: Record<string, unknown> = { spec: { parts: [null, { name: 'a' }] } };
  applyDefaults(GadgetKind, obj);
  assert.deepEqual(obj, { spec: { replicas: 1, parts: [null, { name: 'a', pullPolicy: 'IfNotPresent' }] } });
});
