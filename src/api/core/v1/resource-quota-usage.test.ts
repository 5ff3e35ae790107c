import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usageOf } from './resource-quota-usage.js';

test('quota usage of a pod counts its sidecars with the app containers, and overhead', () => {
  const pod = {
    spec: {
      overhead: { memory: '16Mi' },
      initContainers: [{ name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { memory: '64Mi' } } }],
      containers: [{ name: 'app', resources: { requests: { cpu: '200m', memory: '64Mi' }, limits: { memory: '128Mi' } } }],
    },
  };
  const u = Object.fromEntries([...usageOf('pods', '', pod)].map(([k, v]) => [k, v.toString()]));
  assert.equal(u['requests.cpu'], '300m');
  assert.equal(u['requests.memory'], '112Mi');
  assert.equal(u['limits.memory'], '208Mi');
});
