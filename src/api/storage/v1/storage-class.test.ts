import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toTable } from '../../schema/table.js';
import { applySchemaDefaults, render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { validateObject } from '../../schema/index.js';
import { DEFAULT_CLASS_ANNOTATION, StorageClassKind, type StorageClass } from './index.js';

const sc = (annotations?: Record<string, string>): StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'local-path', creationTimestamp: '2026-01-01T00:00:00Z', ...(annotations ? { annotations } : {}) },
  provisioner: 'rancher.io/local-path',
});

test('StorageClass: defaults reclaimPolicy Delete and volumeBindingMode Immediate', () => {
  const o = applySchemaDefaults(StorageClassKind.schema, sc());
  assert.equal(o.reclaimPolicy, 'Delete');
  assert.equal(o.volumeBindingMode, 'Immediate');
  assert.deepEqual(validateObject(StorageClassKind, o), []);
  assert.deepEqual(render(validateWithHooks(StorageClassKind, { ...o, provisioner: '' })), ['provisioner: Required value']);
});

test('StorageClass: kubectl columns, "(default)" after the default class name', () => {
  const now = new Date('2026-01-01T00:05:00Z');
  const plain = applySchemaDefaults(StorageClassKind.schema, sc());
  const def = applySchemaDefaults(StorageClassKind.schema, { ...sc({ [DEFAULT_CLASS_ANNOTATION]: 'true' }), volumeBindingMode: 'WaitForFirstConsumer' as const });
  const table = toTable(StorageClassKind, [plain, def], { now }) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
  assert.deepEqual(table.rows.map((r) => r.cells), [
    ['local-path', 'rancher.io/local-path', 'Delete', 'Immediate', 'false', '5m'],
    ['local-path (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', 'false', '5m'],
  ]);
});

test('StorageClass: provisioner, reclaimPolicy and volumeBindingMode are immutable', () => {
  const old = applySchemaDefaults(StorageClassKind.schema, sc());
  const upd = { ...structuredClone(old), provisioner: 'other.io/x', reclaimPolicy: 'Retain' as const };
  const errs = render(validateObject(StorageClassKind, upd, old));
  assert.ok(errs.some((e) => e.startsWith('provisioner: Invalid value')), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('reclaimPolicy: Invalid value')), errs.join('\n'));
});
