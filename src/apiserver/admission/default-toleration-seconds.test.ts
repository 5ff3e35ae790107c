import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodKind } from '../../api/core/v1/pod.js';
import { ConfigMapKind } from '../../api/core/v1/config-map.js';
import type { AdmissionAttributes } from './types.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({ operation: 'CREATE', spec: PodKind, namespace: 'ns', name: 'p', user: { name: 'u', groups: [] }, dryRun: false, ...over }) as AdmissionAttributes;

describe('DefaultTolerationSeconds admission', () => {
  const plugin = defaultTolerationSeconds();
  it('adds not-ready and unreachable NoExecute tolerations of 300 s to new pods', async () => {
    const pod = { metadata: { name: 'p' }, spec: { containers: [] } } as any;
    await plugin.admit(attrs(), pod, undefined);
    assert.deepEqual(pod.spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps tolerations the pod already has for those taints (by key, or a wildcard Exists), and is configurable', async () => {
    const pod = { spec: { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }, { key: 'x', operator: 'Equal', value: 'y', effect: 'NoSchedule' }] } } as any;
    await defaultTolerationSeconds({ notReadySeconds: 5 }).admit(attrs(), pod, undefined);
    assert.deepEqual(pod.spec.tolerations.map((t: any) => [t.key, t.tolerationSeconds]), [['node.kubernetes.io/unreachable', 2], ['x', undefined], ['node.kubernetes.io/not-ready', 5]]);
    const wild = { spec: { tolerations: [{ operator: 'Exists' }] } } as any;
    await plugin.admit(attrs(), wild, undefined);
    assert.equal(wild.spec.tolerations.length, 1);
    const noSchedOnly = { spec: { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }] } } as any;
    await plugin.admit(attrs(), noSchedOnly, undefined);
    assert.equal(noSchedOnly.spec.tolerations.length, 3, 'a NoSchedule toleration does not cover NoExecute');
  });

  it('leaves updates, subresources and other kinds alone', async () => {
    for (const a of [attrs({ operation: 'UPDATE' }), attrs({ subresource: 'status' }), attrs({ spec: ConfigMapKind })]) {
      const obj = { spec: {} } as any;
      await plugin.admit(a, obj, undefined);
      assert.equal(obj.spec.tolerations, undefined);
    }
  });
});
