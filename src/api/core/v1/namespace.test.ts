import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, toTable, validateObject } from '../../schema/index.js';
import { NamespaceKind, type Namespace } from './namespace.js';

test('Namespace: name label and Active phase are defaulted; names are DNS labels', () => {
  const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'dev' }, creationTimestamp: '2026-11-26T16:00:00Z' } };
  applyDefaults(NamespaceKind, ns as Record<string, unknown>);
  assert.deepEqual(ns.metadata!.labels, { env: 'dev', 'kubernetes.io/metadata.name': 'team-a' });
  assert.equal(ns.status!.phase, 'Active');
  assert.deepEqual(validateObject(NamespaceKind, ns), []);
  const dotted: Namespace = { metadata: { name: 'team.a' } };
  assert.deepEqual(validateObject(NamespaceKind, dotted).map((e) => `${e.type} ${e.field}`), ['FieldValueInvalid metadata.name']);
  const table = toTable(NamespaceKind, [ns], { now: new Date('2026-11-26T17:00:00Z') }) as { rows: { cells: unknown[] }[] };
  assert.deepEqual(table.rows[0]!.cells, ['team-a', 'Active', '60m']);
});
