import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeObject } from './normalize.js';
import { applyDefaults } from './defaults.js';
import { GadgetKind } from './testdata.js';

test('quantities become canonical strings, as Kubernetes stores them', () => {
  const obj: Record<string, unknown> = { spec: { parts: [{ name: 'a', limits: { cpu: 0.5, memory: '1.5Gi', gpu: '1000m', disk: '100M', bad: '1 core' } }] } };
  normalizeObject(GadgetKind, obj);
  assert.deepEqual((obj['spec'] as any).parts[0].limits, { cpu: '500m', memory: '1536Mi', gpu: '1', disk: '100M', bad: '1 core' });
});

test('times become UTC with their precision; unparsable values are left alone', () => {
  const obj: Record<string, unknown> = {
    metadata: { name: 'g', creationTimestamp: '2026-11-26T17:10:47.9+01:00' },
    spec: { startedAt: 'yesterday', renewedAt: '2026-11-26T16:10:47.1234567Z' },
  };
  normalizeObject(GadgetKind, obj);
  assert.deepEqual(obj, {
    metadata: { name: 'g', creationTimestamp: '2026-11-26T16:10:47Z' },
    spec: { startedAt: 'yesterday', renewedAt: '2026-11-26T16:10:47.123456Z' },
  });
});

test('applyDefaults normalizes too, and stays idempotent', () => {
  const obj: Record<string, unknown> = { spec: { renewedAt: '2026-11-26T16:10:47Z', parts: [{ name: 'a', limits: { cpu: '0.25' } }] } };
  applyDefaults(GadgetKind, obj);
  const once = structuredClone(obj);
  applyDefaults(GadgetKind, obj);
  assert.deepEqual(obj, once);
  assert.deepEqual((obj['spec'] as any).renewedAt, '2026-11-26T16:10:47.000000Z');
  assert.deepEqual((obj['spec'] as any).parts[0].limits, { cpu: '250m' });
});
