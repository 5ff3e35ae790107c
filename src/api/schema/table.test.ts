import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toTable } from './table.js';
import { GadgetKind } from './testdata.js';
import { NamespaceKind } from '../core/v1/namespace.js';

const now = new Date('2026-11-26T17:00:00Z');
const g = (name: string, created: string | undefined, spec: Record<string, unknown>) => ({
  apiVersion: 'test.skiff.dev/v1',
  kind: 'Gadget',
  metadata: { name, namespace: 'default', labels: { app: 'x' }, ...(created ? { creationTimestamp: created } : {}) },
  spec,
});

test('columns: Name first with format name, then the printer columns with priorities', () => {
  const table = toTable(GadgetKind, [], { now }) as { columnDefinitions: unknown[]; rows: unknown[]; kind: string; apiVersion: string };
  assert.equal(table.kind, 'Table');
  assert.equal(table.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(
    table.columnDefinitions.map((c) => {
      const { name, type, format, priority } = c as Record<string, unknown>;
      return [name, type, format, priority];
    }),
    [
      ['Name', 'string', 'name', 0],
      ['Replicas', 'integer', '', 0],
      ['Node', 'string', '', 1],
      ['Age', 'string', '', 0],
    ],
  );
  assert.deepEqual(table.rows, []);
});

test('rows: cells with ages, null for absent values; PartialObjectMetadata by default', () => {
  const a = g('a', '2026-11-26T16:55:00Z', { replicas: 2, nodeName: 'n1' });
  const b = g('b', undefined, {});
  const table = toTable(GadgetKind, [a, b], { now, listMeta: { resourceVersion: '42', continue: 'tok' } }) as Record<string, any>;
  assert.deepEqual(table['metadata'], { resourceVersion: '42', continue: 'tok' });
  assert.deepEqual(table['rows'][0].cells, ['a', 2, 'n1', '5m']);
  assert.deepEqual(table['rows'][1].cells, ['b', null, null, '<unknown>']);
  assert.deepEqual(table['rows'][0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: a.metadata });
});

test('includeObject Object carries the object; None omits it', () => {
  const a = g('a', '2026-11-24T17:00:00Z', {});
  const full = toTable(GadgetKind, [a], { now, includeObject: 'Object' }) as Record<string, any>;
  assert.equal(full['rows'][0].object, a);
  assert.equal(full['rows'][0].cells[3], '2d');
  const none = toTable(GadgetKind, [a], { now, includeObject: 'None' }) as Record<string, any>;
  assert.ok(!('object' in none['rows'][0]));
});

test('a Namespace renders like kube-apiserver', () => {
  const ns = { metadata: { name: 'default', creationTimestamp: '2026-11-26T16:00:00Z' }, status: { phase: 'Active' } };
  const table = toTable(NamespaceKind, [ns], { now }) as Record<string, any>;
  assert.deepEqual(table['rows'][0].cells, ['default', 'Active', '60m']);
});

test('a throwing column yields a null cell', () => {
  const kind = { ...GadgetKind, printerColumns: [{ name: 'X', type: 'string' as const, description: '', value: () => { throw new Error('no'); } }] };
  const table = toTable(kind, [g('a', undefined, {})], { now }) as Record<string, any>;
  assert.deepEqual(table['rows'][0].cells, ['a', null]);
});
