import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../api/core/v1/node.js';
import type { PersistentVolume } from '../../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/persistent-volume-claim.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { StorageClass } from '../../api/storage/v1/storage-class.js';
import { CycleState } from '../cycle-state.js';
import type { NodeInfo } from '../node-info.js';
import { decideForNode, podVolumes, volumeBinding, type VolumeListers } from './volume-binding.js';

const node = (name: string): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
const pod = (...claims: string[]): Pod => ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [], volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) } });
const claim = (name: string, cls: string, over: Partial<PersistentVolumeClaim> = {}): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}` },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: cls },
  ...over,
});
const bound = (name: string, volume: string): PersistentVolumeClaim => ({ ...claim(name, 'local-path'), metadata: { name, namespace: 'ns', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { ...claim(name, 'local-path').spec, volumeName: volume } });
const pinnedPv = (name: string, host: string, cls = 'local-path'): PersistentVolume => ({
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: cls, hostPath: { path: '/x' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } } },
  status: { phase: 'Available' },
});
const classes: Record<string, StorageClass> = {
  'local-path': { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
  static: { metadata: { name: 'static' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  fast: { metadata: { name: 'fast' }, provisioner: 'x.io/fast', volumeBindingMode: 'Immediate' },
};
const listers = (claims: PersistentVolumeClaim[], volumes: PersistentVolume[] = []): VolumeListers => ({
  claim: (ns, n) => claims.find((c) => c.metadata?.namespace === ns && c.metadata?.name === n),
  volume: (n) => volumes.find((v) => v.metadata?.name === n),
  volumes: () => volumes,
  storageClass: (n) => classes[n],
});
const reason = (r: unknown) => (r && typeof r === 'object' && 'code' in r ? `${(r as { code: string }).code}: ${(r as unknown as { reasons: string[] }).reasons.join()}` : 'ok');

test('PreFilter: a missing, terminating or unbound Immediate claim keeps the pod Pending', () => {
  assert.equal(reason(podVolumes(pod('data'), listers([]))), 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found');
  const going = claim('data', 'local-path', { metadata: { name: 'data', namespace: 'ns', deletionTimestamp: '2026-01-01T00:00:00Z' } });
  assert.equal(reason(podVolumes(pod('data'), listers([going]))), 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" is being deleted');
  assert.equal(reason(podVolumes(pod('data'), listers([claim('data', 'fast')]))), 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims');
  assert.equal(reason(podVolumes(pod('data'), listers([claim('data', 'local-path')]))), 'ok');
});

test('Filter: bound volumes pin the pod to their nodes; delayed claims use a static volume on the node or a provisioner', () => {
  const pv = pinnedPv('pv-a', 'a');
  const pvs = podVolumes(pod('data'), listers([bound('data', 'pv-a')], [pv]));
  assert.ok(!('code' in pvs));
  assert.equal(reason(decideForNode(pvs, node('a'), listers([], [pv]))), 'ok');
  assert.equal(reason(decideForNode(pvs, node('b'), listers([], [pv]))), 'UnschedulableAndUnresolvable: node(s) had volume node affinity conflict');

  const local = claim('local', 'static');
  const l = listers([local], [pinnedPv('disk-b', 'b', 'static')]);
  const delayed = podVolumes(pod('local'), l);
  assert.ok(!('code' in delayed));
  assert.equal(reason(decideForNode(delayed, node('a'), l)), "UnschedulableAndUnresolvable: node(s) didn't find available persistent volumes to bind");
  const onB = decideForNode(delayed, node('b'), l);
  assert.ok(!('code' in onB) && onB.prebind[0]?.volume.metadata?.name === 'disk-b');
  const prov = listers([claim('lp', 'local-path')]);
  const d = decideForNode(podVolumes(pod('lp'), prov) as never, node('a'), prov);
  assert.ok(!('code' in d) && d.provision.length === 1 && d.prebind.length === 0);
});

test('PreBind writes selected-node for the chosen node and waits until the claims are bound', async () => {
  const calls: string[] = [];
  const l = listers([claim('lp', 'local-path')]);
  const plugin = volumeBinding(l, {
    selectNode: async (c, n) => void calls.push(`select ${c.metadata?.name} ${n}`),
    prebind: async (v, c) => void calls.push(`prebind ${v.metadata?.name} ${c.metadata?.name}`),
    waitBound: async (keys) => void calls.push(`wait ${keys.join()}`),
  });
  const state = new CycleState();
  const p = pod('lp');
  assert.equal(plugin.preFilter(state, p, []).status.code, 'Success');
  for (const n of ['a', 'b']) assert.equal(plugin.filter(state, p, { name: n, node: node(n) } as NodeInfo).code, 'Success');
  plugin.reserve(state, p, 'b');
  assert.equal((await plugin.preBind(state, p, 'b')).code, 'Success');
  assert.deepEqual(calls, ['select lp b', 'wait ns/lp']);
  assert.equal(plugin.preFilter(new CycleState(), pod(), []).status.code, 'Skip', 'no claims: nothing to do');
});

test('an ephemeral volume is its claim <pod>-<volume>: waited for, used only when the pod owns it', () => {
  const p: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'pod-uid' }, spec: { containers: [], volumes: [{ name: 'data', ephemeral: { volumeClaimTemplate: { spec: {} } } }] } };
  assert.equal(reason(podVolumes(p, listers([]))), 'UnschedulableAndUnresolvable: waiting for ephemeral volume controller to create the persistentvolumeclaim "p-data"');
  const foreign = claim('p-data', 'local-path');
  assert.equal(reason(podVolumes(p, listers([foreign]))), 'UnschedulableAndUnresolvable: PVC ns/p-data was not created for pod ns/p (pod is not owner)');
  const own = claim('p-data', 'local-path', { metadata: { name: 'p-data', namespace: 'ns', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'pod-uid', controller: true }] } });
  const r = podVolumes(p, listers([own]));
  assert.ok(!('code' in r));
  assert.deepEqual([r.all, r.delayed.map((c) => c.metadata?.name)], [['ns/p-data'], ['p-data']], 'then a WaitForFirstConsumer claim like any other');
});
