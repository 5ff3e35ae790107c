import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, toTable, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { NodeKind, type Node } from './node.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const now = new Date('2026-11-26T17:00:00Z');

function node(): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'node-1',
      creationTimestamp: '2026-11-16T17:00:00Z',
      labels: { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': 'true' },
    },
    spec: { podCIDR: '198.18.1.0/24', podCIDRs: ['198.18.1.0/24'], providerID: 'skiff://node-1', taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] },
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2026-11-26T16:59:50Z' },
      ],
      addresses: [
        { type: 'InternalIP', address: '198.18.0.11' },
        { type: 'Hostname', address: 'node-1' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: { kubeletVersion: 'v1.32.0-skiff', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', containerRuntimeVersion: 'containerd://1.7.2', operatingSystem: 'linux', architecture: 'amd64' },
    },
  };
}

test('a realistic node validates; allocatable defaults to capacity', () => {
  const n = node();
  applyDefaults(NodeKind, n as Record<string, unknown>);
  assert.deepEqual(n.status!.allocatable, { cpu: '4', memory: '8Gi', pods: '110' });
  assert.deepEqual(validateObject(NodeKind, n), []);
});

test('invalid node taints and spec updates', () => {
  const dup = node();
  dup.spec!.taints!.push({ key: 'dedicated', value: 'other', effect: 'NoSchedule' });
  assert.deepEqual(brief(validateObject(NodeKind, dup)), ['FieldValueDuplicate spec.taints[1]']);
  const badEffect = node();
  (badEffect.spec!.taints![0] as Record<string, unknown>)['effect'] = 'Sometimes';
  assert.deepEqual(brief(validateObject(NodeKind, badEffect)), ['FieldValueNotSupported spec.taints[0].effect']);
  const old = node();
  const moved = node();
  moved.spec!.podCIDRs = ['198.18.2.0/24'];
  moved.spec!.providerID = 'skiff://other';
  assert.deepEqual(brief(validateObject(NodeKind, moved, old)), ['FieldValueForbidden spec.podCIDRs', 'FieldValueForbidden spec.providerID']);
  const cordoned = node();
  cordoned.spec!.unschedulable = true;
  assert.deepEqual(validateObject(NodeKind, cordoned, old), []);
});

test('node table: STATUS ROLES AGE VERSION, wide addresses and versions', () => {
  const ready = node();
  const cordoned = node();
  cordoned.metadata!.name = 'node-2';
  cordoned.spec!.unschedulable = true;
  cordoned.status!.conditions = [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }];
  const fresh: Node = { metadata: { name: 'node-3', creationTimestamp: '2026-11-26T16:59:30Z' } };
  const table = toTable(NodeKind, [ready, cordoned, fresh], { now }) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(
    table.columnDefinitions.map((c) => `${c.name}:${c.priority}`),
    ['Name:0', 'Status:0', 'Roles:0', 'Age:0', 'Version:0', 'Internal-IP:1', 'External-IP:1', 'OS-Image:1', 'Kernel-Version:1', 'Container-Runtime:1'],
  );
  assert.deepEqual(table.rows[0]!.cells, [
    'node-1',
    'Ready',
    'control-plane,worker',
    '10d',
    'v1.32.0-skiff',
    '198.18.0.11',
    '<none>',
    'Debian GNU/Linux 12 (bookworm)',
    '6.1.0-18-amd64',
    'containerd://1.7.2',
  ]);
  assert.equal(table.rows[1]!.cells[1], 'NotReady,SchedulingDisabled');
  assert.deepEqual(table.rows[2]!.cells.slice(1, 3), ['Unknown', '<none>']);
  assert.deepEqual(table.rows[2]!.cells.slice(5), ['<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  assert.equal(NodeKind.fieldSelectors!['spec.unschedulable']!(cordoned), 'true');
});
