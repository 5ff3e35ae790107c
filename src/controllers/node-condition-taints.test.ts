import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../api/core/v1/node.js';
import { reconcileConditionTaints, wantedTaints } from './node-taints.js';

const cond = (type: string, status: string) => ({ type, status });

describe('taints from node conditions (TaintNodesByCondition)', () => {
  it('adds memory/disk/pid-pressure NoSchedule taints while the condition is True, with timeAdded', () => {
    const next = reconcileConditionTaints([], [cond('Ready', 'True'), cond('MemoryPressure', 'True'), cond('DiskPressure', 'False'), cond('PIDPressure', 'True')], 't1');
    assert.deepEqual(next, [
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: 't1' },
      { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule', timeAdded: 't1' },
    ]);
  });

  it('keeps a present taint as it is, removes it when the condition clears, leaves other taints alone', () => {
    const mine = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' as const, timeAdded: 't0' };
    const other = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    const noExec = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoExecute' as const };
    assert.equal(reconcileConditionTaints([other, mine], [cond('MemoryPressure', 'True')], 't1'), undefined);
    assert.deepEqual(reconcileConditionTaints([other, mine, noExec], [cond('MemoryPressure', 'False')], 't1'), [other, noExec]);
  });

  it('wantedTaints combines the Ready, pressure and cordon passes', () => {
    const node = { metadata: { name: 'n' }, spec: { unschedulable: true }, status: { conditions: [cond('Ready', 'False'), cond('DiskPressure', 'True')] } } as Node;
    assert.deepEqual(wantedTaints(node, 't')?.map((t) => `${t.key}:${t.effect}`), [
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    const calm = { metadata: { name: 'n' }, spec: {}, status: { conditions: [cond('Ready', 'True'), cond('MemoryPressure', 'False')] } } as Node;
    assert.equal(wantedTaints(calm, 't'), undefined);
  });
});
