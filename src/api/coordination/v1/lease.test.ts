import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaseKind, LeaseSpecSchema } from './index.js';
import { render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { validateObject } from '../../schema/index.js';

const lease = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:10.123456Z', leaseTransitions: 0 },
};

test('Lease: a node heartbeat lease is valid and prints its holder', () => {
  assert.deepEqual(validateWithHooks(LeaseKind, lease), []);
  assert.deepEqual(validateObject(LeaseKind, lease), []);
  assert.deepEqual(LeaseKind.printerColumns.map((c) => c.name), ['Holder', 'Age']);
  assert.equal(LeaseKind.printerColumns[0]?.value(lease, new Date()), 'node-1');
  assert.equal(LeaseKind.printerColumns[0]?.value({ spec: {} }, new Date()), '');
});

test('Lease: invalid durations and transitions', () => {
  const bad = { ...lease, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } };
  assert.deepEqual(render(validateWithHooks(LeaseKind, bad)), [
    'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('Lease: wire facts', () => {
  const f = LeaseSpecSchema.fields;
  assert.deepEqual([f.holderIdentity?.proto, f.leaseDurationSeconds?.proto, f.acquireTime?.proto, f.renewTime?.proto, f.leaseTransitions?.proto], [1, 2, 3, 4, 5]);
  assert.deepEqual(f.renewTime?.type, { kind: 'scalar', scalar: 'microTime' });
});
