import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leaseCondition, storeCondition } from './component-status.js';

const now = new Date('2026-01-01T00:01:00Z');
const lease = (spec: Record<string, unknown>) => ({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec });

test('leaseCondition: Healthy ok while a holder renewed within the lease duration', () => {
  assert.deepEqual(leaseCondition('kube-scheduler', lease({ holderIdentity: 'a', renewTime: '2026-01-01T00:00:50.000000Z', leaseDurationSeconds: 15 }), now), { type: 'Healthy', status: 'True', message: 'ok' });
});

test('leaseCondition: Unhealthy when the lease is missing, unheld or expired', () => {
  assert.equal(leaseCondition('kube-scheduler', undefined, now).status, 'False');
  assert.match(leaseCondition('kube-scheduler', undefined, now).message, /no Lease kube-system\/kube-scheduler/);
  assert.equal(leaseCondition('kube-scheduler', lease({ renewTime: '2026-01-01T00:00:59Z', leaseDurationSeconds: 15 }), now).status, 'False');
  const expired = leaseCondition('kube-scheduler', lease({ holderIdentity: 'a', renewTime: '2026-01-01T00:00:40Z', leaseDurationSeconds: 15 }), now);
  assert.equal(expired.status, 'False');
  assert.match(expired.message, /held by a expired/);
  assert.equal(leaseCondition('kube-scheduler', lease({ holderIdentity: 'a', leaseDurationSeconds: 15 }), now).status, 'False');
});

test('storeCondition: ok when the store answers, the error otherwise', async () => {
  assert.deepEqual(await storeCondition(async () => 7), { type: 'Healthy', status: 'True', message: 'ok' });
  assert.deepEqual(await storeCondition(async () => Promise.reject(new Error('database is locked'))), { type: 'Healthy', status: 'False', message: '', error: 'database is locked' });
});
