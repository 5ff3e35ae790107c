import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNode } from '../node-status.js';
import { pressureEventReason } from './node-conditions.js';

const id = { nodeName: 'n', labels: {}, taints: [], kubeReserved: {}, systemReserved: {}, maxPods: 10, kubeletPort: 0, runtimeName: 'process', runtimeVersion: '1', nodeIP: '127.0.0.1' };

describe('pressure node conditions', () => {
  it('False with upstream\'s reasons without pressure, True with them under pressure', () => {
    const calm = buildNode(id, 0).status?.conditions ?? [];
    assert.deepEqual(calm.map((c) => [c.type, c.status, c.reason, c.message]), [
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ]);
    const pressed = buildNode(id, 0, new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure'])).status?.conditions ?? [];
    assert.deepEqual(pressed.slice(0, 3).map((c) => [c.type, c.status, c.reason, c.message]), [
      ['MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
      ['DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure'],
      ['PIDPressure', 'True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available'],
    ]);
  });

  it('node events are named as upstream\'s', () => {
    assert.equal(pressureEventReason('MemoryPressure', true), 'NodeHasInsufficientMemory');
    assert.equal(pressureEventReason('MemoryPressure', false), 'NodeHasSufficientMemory');
    assert.equal(pressureEventReason('DiskPressure', true), 'NodeHasDiskPressure');
    assert.equal(pressureEventReason('DiskPressure', false), 'NodeHasNoDiskPressure');
    assert.equal(pressureEventReason('PIDPressure', true), 'NodeHasInsufficientPID');
  });
});
