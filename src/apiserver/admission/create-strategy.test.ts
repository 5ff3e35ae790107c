import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateJobSelector, podQosClass } from './create-strategy.js';

test('pod QoS class from requests and limits', () => {
  assert.equal(podQosClass({ spec: { containers: [{ name: 'a' }] } }), 'BestEffort');
  assert.equal(podQosClass({ spec: { containers: [{ resources: { requests: { cpu: '1' } } }] } }), 'Burstable');
  const g = { resources: { limits: { cpu: '1', memory: '1Gi' } } };
  assert.equal(podQosClass({ spec: { containers: [g, { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] } }), 'Guaranteed');
  assert.equal(podQosClass({ spec: { containers: [g, { name: 'b' }] } }), 'Burstable');
});

test('a job gets a selector on its uid unless manualSelector', () => {
  const job: any = { metadata: { name: 'j', uid: 'u-1' }, spec: { template: { metadata: { labels: { a: 'b' } } } } };
  generateJobSelector(job);
  assert.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
  assert.deepEqual(job.spec.template.metadata.labels, {
    a: 'b',
    'batch.kubernetes.io/controller-uid': 'u-1',
    'batch.kubernetes.io/job-name': 'j',
    'controller-uid': 'u-1',
    'job-name': 'j',
  });
  const manual: any = { metadata: { name: 'm', uid: 'u-2' }, spec: { manualSelector: true, selector: { matchLabels: { x: 'y' } } } };
  generateJobSelector(manual);
  assert.deepEqual(manual.spec.selector, { matchLabels: { x: 'y' } });
});
