import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toTable } from '../../schema/index.js';
import { ComponentStatusKind, componentStatusCells, type ComponentStatus } from './component-status.js';

const cs = (conditions: ComponentStatus['conditions']): ComponentStatus => ({ apiVersion: 'v1', kind: 'ComponentStatus', metadata: { name: 'scheduler' }, ...(conditions ? { conditions } : {}) });

test('componentStatusCells: STATUS from the Healthy condition, as kubectl prints it', () => {
  assert.deepEqual(componentStatusCells(cs([{ type: 'Healthy', status: 'True', message: 'ok' }])), { status: 'Healthy', message: 'ok', error: '' });
  assert.deepEqual(componentStatusCells(cs([{ type: 'Healthy', status: 'False', message: 'down', error: 'refused' }])), { status: 'Unhealthy', message: 'down', error: 'refused' });
  assert.deepEqual(componentStatusCells(cs([{ type: 'Healthy', status: 'Unknown' }])), { status: 'Unhealthy', message: '', error: '' });
  assert.deepEqual(componentStatusCells(cs([{ type: 'Other', status: 'True', message: 'x' }])), { status: 'Unknown', message: '', error: '' });
  assert.deepEqual(componentStatusCells(cs(undefined)), { status: 'Unknown', message: '', error: '' });
});

test('ComponentStatus: cluster-scoped, get/list only, short name cs, columns NAME STATUS MESSAGE ERROR', () => {
  assert.equal(ComponentStatusKind.namespaced, false);
  assert.deepEqual(ComponentStatusKind.verbs, ['get', 'list']);
  assert.deepEqual(ComponentStatusKind.shortNames, ['cs']);
  const table = toTable(ComponentStatusKind, [cs([{ type: 'Healthy', status: 'False', message: 'm', error: 'e' }])]) as { columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[] }> };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Status', 'Message', 'Error']);
  assert.deepEqual(table.rows[0]?.cells, ['scheduler', 'Unhealthy', 'm', 'e']);
});
