import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from './container.js';
import { computeQOSClass } from './pod-qos.js';

const c = (resources: Container['resources']): Container => ({ name: 'c', image: 'i', resources });

test('QoS class as Kubernetes computes it', () => {
  assert.equal(computeQOSClass({ containers: [c(undefined)] }), 'BestEffort');
  assert.equal(computeQOSClass({ containers: [c({ requests: { 'example.com/gpu': '1' } })] }), 'BestEffort');
  assert.equal(computeQOSClass({ containers: [c({ requests: { cpu: '100m' } })] }), 'Burstable');
  assert.equal(computeQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } })] }), 'Guaranteed');
  assert.equal(computeQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } })] }), 'Guaranteed');
  assert.equal(computeQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })] }), 'Burstable');
  assert.equal(computeQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' } })] }), 'Burstable', 'requests not yet defaulted from limits');
  assert.equal(
    computeQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }), c({ limits: { cpu: '1' }, requests: { cpu: '1' } })] }),
    'Burstable',
    'every container must limit both cpu and memory',
  );
});
