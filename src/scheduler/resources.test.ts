import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, podRequests } from './resources.js';

test('podRequests: sidecars add to the app containers, a later init container runs beside them, overhead on top', () => {
  const pod: Pod = {
    spec: {
      overhead: { cpu: '10m' },
      initContainers: [
        { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '300m', memory: '1Gi' } } },
        { name: 'migrate', resources: { requests: { cpu: '900m' } } },
      ],
      containers: [{ name: 'app', resources: { requests: { cpu: '200m', memory: '1Gi' } } }],
    },
  };
  const r = podRequests(pod);
  assert.equal(r.cpu, 1200 + 10, 'init step: 900m beside the 300m sidecar');
  assert.equal(r.memory, 2 * 1024 ** 3, 'app + sidecar');
  assert.equal(r.nonZeroCpu, 1210);
  // migrate states no memory: it counts with the default beside the sidecar, as upstream's NonMissingContainerRequests.
  assert.equal(r.nonZeroMemory, Math.max(2 * 1024 ** 3, 1024 ** 3 + DEFAULT_MEMORY_REQUEST));
});

test('podRequests: a sidecar without requests counts with the scoring defaults', () => {
  const r = podRequests({ spec: { initContainers: [{ name: 's', restartPolicy: 'Always' }], containers: [{ name: 'a' }] } });
  assert.equal(r.cpu, 0);
  assert.equal(r.nonZeroCpu, 2 * DEFAULT_MILLI_CPU_REQUEST);
  assert.equal(r.nonZeroMemory, 2 * DEFAULT_MEMORY_REQUEST);
});
