import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, toTable, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { LimitRangeKind, type LimitRange } from './limit-range.js';
import { PersistentVolumeKind, type PersistentVolume } from './persistent-volume.js';
import { PersistentVolumeClaimKind, type PersistentVolumeClaim } from './persistent-volume-claim.js';
import { ResourceQuotaKind, type ResourceQuota } from './resource-quota.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const now = new Date('2026-11-26T17:00:00Z');
type Rows = { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };

function pv(): PersistentVolume {
  return {
    metadata: { name: 'pv-1', creationTimestamp: '2026-11-26T16:00:00Z' },
    spec: {
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
      hostPath: { path: '/srv/pv-1' },
      storageClassName: 'manual',
      claimRef: { namespace: 'default', name: 'data' },
    },
  };
}

test('PersistentVolume: defaults, validation and table', () => {
  const v = pv();
  applyDefaults(PersistentVolumeKind, v as Record<string, unknown>);
  assert.equal(v.spec!.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(v.spec!.volumeMode, 'Filesystem');
  assert.equal(v.status!.phase, 'Pending');
  assert.equal(v.spec!.hostPath!.type, '');
  assert.deepEqual(validateObject(PersistentVolumeKind, v), []);
  const two = pv();
  two.spec!.nfs = { server: 'nfs.example', path: '/export' };
  assert.deepEqual(brief(validateObject(PersistentVolumeKind, two)), ['FieldValueForbidden spec.nfs']);
  const none = pv();
  delete none.spec!.hostPath;
  delete none.spec!.accessModes;
  assert.deepEqual(brief(validateObject(PersistentVolumeKind, none)), ['FieldValueRequired spec', 'FieldValueRequired spec.accessModes']);
  v.status = { phase: 'Bound' };
  const table = toTable(PersistentVolumeKind, [v], { now }) as Rows;
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), [
    'Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode',
  ]);
  assert.deepEqual(table.rows[0]!.cells, ['pv-1', '10Gi', 'RWO,ROX', 'Retain', 'Bound', 'default/data', 'manual', '<unset>', '', '60m', 'Filesystem']);
});

function pvc(): PersistentVolumeClaim {
  return {
    metadata: { name: 'data', namespace: 'default', creationTimestamp: '2026-11-26T16:30:00Z' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'manual' },
  };
}

test('PersistentVolumeClaim: defaults, validation, immutability and table', () => {
  const c = pvc();
  applyDefaults(PersistentVolumeClaimKind, c as Record<string, unknown>);
  assert.equal(c.status!.phase, 'Pending');
  assert.equal(c.spec!.volumeMode, 'Filesystem');
  assert.deepEqual(validateObject(PersistentVolumeClaimKind, c), []);
  const noModes = pvc();
  noModes.spec!.accessModes = [];
  assert.deepEqual(brief(validateObject(PersistentVolumeClaimKind, noModes)), ['FieldValueRequired spec.accessModes']);
  const bound = structuredClone(c);
  bound.spec!.volumeName = 'pv-1';
  bound.status = { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] };
  assert.deepEqual(validateObject(PersistentVolumeClaimKind, bound, c), []);
  const reclassed = structuredClone(bound);
  reclassed.spec!.storageClassName = 'fast';
  assert.deepEqual(brief(validateObject(PersistentVolumeClaimKind, reclassed, bound)), ['FieldValueForbidden spec']);
  const table = toTable(PersistentVolumeClaimKind, [bound, c], { now }) as Rows;
  assert.deepEqual(table.rows[0]!.cells, ['data', 'Bound', 'pv-1', '10Gi', 'RWO', 'manual', '<unset>', '30m', 'Filesystem']);
  assert.deepEqual(table.rows[1]!.cells.slice(1, 5), ['Pending', '', '', '']);
});

test('LimitRange: container defaults derive from max/default/min; ordering is validated', () => {
  const lr: LimitRange = {
    metadata: { name: 'limits', namespace: 'default', creationTimestamp: '2026-11-26T16:00:00Z' },
    spec: { limits: [{ type: 'Container', max: { cpu: '2', memory: '1Gi' }, min: { cpu: '100m' }, default: { memory: '512Mi' } }] },
  };
  applyDefaults(LimitRangeKind, lr as Record<string, unknown>);
  const item = lr.spec!.limits![0]!;
  assert.deepEqual(item.default, { memory: '512Mi', cpu: '2' });
  assert.deepEqual(item.defaultRequest, { memory: '512Mi', cpu: '2' });
  assert.deepEqual(validateObject(LimitRangeKind, lr), []);
  const bad = structuredClone(lr);
  bad.spec!.limits![0]!.min = { cpu: '3' };
  assert.deepEqual(brief(validateObject(LimitRangeKind, bad)), [
    'FieldValueInvalid spec.limits[0].min[cpu]',
    'FieldValueInvalid spec.limits[0].defaultRequest[cpu]',
    'FieldValueInvalid spec.limits[0].default[cpu]',
  ]);
  const table = toTable(LimitRangeKind, [lr], { now }) as Rows;
  assert.deepEqual(table.rows[0]!.cells, ['limits', '2026-11-26T16:00:00Z']);
});

test('ResourceQuota validates and prints REQUEST and LIMIT usage', () => {
  const rq: ResourceQuota = {
    metadata: { name: 'compute', namespace: 'default', creationTimestamp: '2026-11-26T16:00:00Z' },
    spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' }, scopes: ['NotBestEffort'] },
    status: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' }, used: { pods: '3', 'requests.cpu': '1500m' } },
  };
  assert.deepEqual(validateObject(ResourceQuotaKind, rq), []);
  const table = toTable(ResourceQuotaKind, [rq], { now }) as Rows;
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Age', 'Request', 'Limit']);
  assert.deepEqual(table.rows[0]!.cells, ['compute', '60m', 'pods: 3/10, requests.cpu: 1500m/4', 'limits.memory: 0/8Gi']);
});
