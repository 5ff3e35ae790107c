import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkNodeInfo, mkPod, type NodeOpts, type PodOpts } from '../testing.js';
import { nodeUnschedulableFilter, ERR_NODE_UNSCHEDULABLE } from './node-unschedulable.js';
import { nodeNameFilter, ERR_NODE_NAME } from './node-name.js';
import { nodePortsFilter, ERR_NODE_PORTS } from './node-ports.js';
import { taintTolerationFilter, intolerablePreferNoSchedule } from './taint-toleration.js';
import { nodeAffinityFilter, nodeAffinityScore, requiredNodeNames, ERR_NODE_AFFINITY } from './node-affinity.js';
import { prioritySortLess } from './priority-sort.js';
import type { QueuedPod } from '../interfaces.js';

type Row = { name: string; pod: PodOpts; node: NodeOpts; podsOnNode?: PodOpts[]; code: string; reasons?: string[] };

function check(rows: Row[], fn: (pod: ReturnType<typeof mkPod>, node: ReturnType<typeof mkNodeInfo>) => { code: string; reasons: readonly string[] }): void {
  for (const r of rows) {
    it(r.name, () => {
      const s = fn(mkPod(r.pod), mkNodeInfo(r.node, (r.podsOnNode ?? []).map((p, i) => mkPod({ name: `e${i}`, ...p }))));
      assert.equal(s.code, r.code);
      if (r.reasons) assert.deepEqual([...s.reasons], r.reasons);
    });
  }
}

describe('NodeUnschedulable filter', () => {
  check(
    [
      { name: 'schedulable node', pod: {}, node: {}, code: 'Success' },
      { name: 'cordoned node', pod: {}, node: { unschedulable: true }, code: 'UnschedulableAndUnresolvable', reasons: [ERR_NODE_UNSCHEDULABLE] },
      {
        name: 'cordoned node, pod tolerates the unschedulable taint',
        pod: { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } },
        node: { unschedulable: true },
        code: 'Success',
      },
    ],
    nodeUnschedulableFilter,
  );
});

describe('NodeName filter', () => {
  check(
    [
      { name: 'no nodeName', pod: {}, node: { name: 'a' }, code: 'Success' },
      { name: 'matching nodeName', pod: { spec: { nodeName: 'a' } }, node: { name: 'a' }, code: 'Success' },
      { name: 'other nodeName', pod: { spec: { nodeName: 'b' } }, node: { name: 'a' }, code: 'UnschedulableAndUnresolvable', reasons: [ERR_NODE_NAME] },
    ],
    nodeNameFilter,
  );
});

const port = (hostPort: number, hostIP?: string, protocol = 'TCP'): PodOpts => ({ spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort, protocol, ...(hostIP ? { hostIP } : {}) }] }] } });

describe('NodePorts filter', () => {
  check(
    [
      { name: 'no host ports', pod: {}, node: {}, podsOnNode: [port(8080)], code: 'Success' },
      { name: 'free port', pod: port(8081), node: {}, podsOnNode: [port(8080)], code: 'Success' },
      { name: 'same port, any address', pod: port(8080), node: {}, podsOnNode: [port(8080)], code: 'Unschedulable', reasons: [ERR_NODE_PORTS] },
      { name: 'same port, different protocol', pod: port(8080, undefined, 'UDP'), node: {}, podsOnNode: [port(8080)], code: 'Success' },
      { name: 'same port, distinct specific IPs', pod: port(8080, '127.0.0.2'), node: {}, podsOnNode: [port(8080, '127.0.0.1')], code: 'Success' },
      { name: 'specific IP vs 0.0.0.0', pod: port(8080, '127.0.0.2'), node: {}, podsOnNode: [port(8080)], code: 'Unschedulable' },
    ],
    nodePortsFilter,
  );
});

describe('TaintToleration filter', () => {
  const gpu = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  check(
    [
      { name: 'untainted node', pod: {}, node: {}, code: 'Success' },
      { name: 'untolerated NoSchedule', pod: {}, node: { taints: [gpu] }, code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] },
      { name: 'Equal toleration', pod: { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }, node: { taints: [gpu] }, code: 'Success' },
      { name: 'wrong value', pod: { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }] } }, node: { taints: [gpu] }, code: 'UnschedulableAndUnresolvable' },
      { name: 'Exists with empty key tolerates everything', pod: { spec: { tolerations: [{ operator: 'Exists' }] } }, node: { taints: [gpu] }, code: 'Success' },
      { name: 'PreferNoSchedule does not filter', pod: {}, node: { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }, code: 'Success' },
      { name: 'NoExecute filters', pod: {}, node: { taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }] }, code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {k: v}'] },
    ],
    (p, n) => taintTolerationFilter(p, n.node),
  );
});

describe('TaintToleration score (untolerated PreferNoSchedule taints, fewer is better)', () => {
  const rows: Array<[string, PodOpts, NodeOpts, number]> = [
    ['no taints', {}, {}, 0],
    ['two soft taints', {}, { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] }, 2],
    ['one tolerated', { spec: { tolerations: [{ key: 'a', operator: 'Exists' }] } }, { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] }, 1],
    ['NoSchedule-only toleration does not count', { spec: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] } }, { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }, 1],
  ];
  for (const [name, pod, node, want] of rows) it(name, () => assert.equal(intolerablePreferNoSchedule(mkPod(pod), mkNodeInfo(node).node), want));
});

describe('NodeAffinity filter', () => {
  const req = (exprs: unknown[], fields: unknown[] = []): PodOpts => ({
    spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs, ...(fields.length ? { matchFields: fields } : {}) }] } } } },
  });
  check(
    [
      { name: 'no constraints', pod: {}, node: {}, code: 'Success' },
      { name: 'nodeSelector matches', pod: { spec: { nodeSelector: { disk: 'ssd' } } }, node: { labels: { disk: 'ssd' } }, code: 'Success' },
      { name: 'nodeSelector mismatch', pod: { spec: { nodeSelector: { disk: 'ssd' } } }, node: { labels: { disk: 'hdd' } }, code: 'UnschedulableAndUnresolvable', reasons: [ERR_NODE_AFFINITY] },
      { name: 'In', pod: req([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]), node: { labels: { zone: 'b' } }, code: 'Success' },
      { name: 'NotIn', pod: req([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), node: { labels: { zone: 'a' } }, code: 'UnschedulableAndUnresolvable' },
      { name: 'DoesNotExist', pod: req([{ key: 'gpu', operator: 'DoesNotExist' }]), node: {}, code: 'Success' },
      { name: 'Gt', pod: req([{ key: 'cores', operator: 'Gt', values: ['8'] }]), node: { labels: { cores: '16' } }, code: 'Success' },
      { name: 'Lt fails', pod: req([{ key: 'cores', operator: 'Lt', values: ['8'] }]), node: { labels: { cores: '16' } }, code: 'UnschedulableAndUnresolvable' },
      { name: 'matchFields metadata.name', pod: req([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]), node: { name: 'n1' }, code: 'Success' },
      { name: 'empty term matches nothing', pod: req([]), node: {}, code: 'UnschedulableAndUnresolvable' },
    ],
    (p, n) => nodeAffinityFilter(p, n.node),
  );
  it('PreFilter narrows to the names pinned by matchFields', () => {
    const p = mkPod(req([], [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }]));
    assert.deepEqual([...(requiredNodeNames(p) ?? [])], ['n1', 'n2']);
    assert.equal(requiredNodeNames(mkPod()), undefined);
  });
});

describe('NodeAffinity score (sum of matching preferred weights)', () => {
  const pref = { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
    { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
  ] } } } };
  const rows: Array<[string, NodeOpts, number]> = [
    ['both', { labels: { zone: 'a', disk: 'ssd' } }, 15],
    ['zone only', { labels: { zone: 'a' } }, 10],
    ['neither', { labels: { zone: 'b' } }, 0],
  ];
  for (const [name, node, want] of rows) it(name, () => assert.equal(nodeAffinityScore(mkPod(pref), mkNodeInfo(node).node), want));
});

describe('PrioritySort', () => {
  const q = (priority: number, timestamp: number): QueuedPod => ({ pod: mkPod(), key: 'k', priority, timestamp, initialAttemptTimestamp: 0, attempts: 0, unschedulablePlugins: new Set() });
  it('orders by priority, then age', () => {
    assert.equal(prioritySortLess(q(10, 5), q(1, 1)), true);
    assert.equal(prioritySortLess(q(1, 1), q(10, 5)), false);
    assert.equal(prioritySortLess(q(1, 1), q(1, 2)), true);
    assert.equal(prioritySortLess(q(1, 2), q(1, 1)), false);
  });
});
