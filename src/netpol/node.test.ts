import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkPolicySetting, startNodeNetworkPolicy } from './node.js';
import type { SharedInformerFactory } from '../client/informer-factory.js';
import { silentLogger } from '../client/logger.js';
import { netpolNodeTable, recordNetworkPolicyTable, recordedNetworkPolicyTable } from './host.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('the node setting: the flag, the runtime and the pod network decide, each with its reason or table', () => {
  assert.deepEqual(networkPolicySetting({ bridge: 'skiffbr0', runtime: 'process', nodeName: 'n1' }), { table: 'skiff-netpol-skiffbr0', pods: 'the pods on skiffbr0' });
  assert.deepEqual(networkPolicySetting({ disabled: true, bridge: 'skiffbr0', nodeName: 'n1' }), { off: '--disable-network-policy' });
  assert.deepEqual(networkPolicySetting({ disabled: true, runtime: 'cri', nodeName: 'n1' }), { off: '--disable-network-policy' });
  assert.match((networkPolicySetting({ runtime: 'process', nodeName: 'n1' }) as { off: string }).off, /no network namespace of their own/);
});

test('cri: enforced in a table named for the node, noted in the data dir for killall', () => {
  const s = networkPolicySetting({ runtime: 'cri', nodeName: 'worker-1.example', dataDir: '/var/lib/skiff/agent' });
  assert.deepEqual(s, { table: 'skiff-netpol-worker-1.example', pods: 'the containerd (CNI) pods of node worker-1.example', recordIn: '/var/lib/skiff/agent' });
  // No skiff bridge is needed, and a bridge flag does not rename the table.
  assert.equal((networkPolicySetting({ runtime: 'cri', bridge: 'skiffbr0', nodeName: 'n1' }) as { table: string }).table, 'skiff-netpol-n1');
});

test('node table names follow nft identifier rules', () => {
  assert.equal(netpolNodeTable('node-a'), 'skiff-netpol-node-a');
  assert.equal(netpolNodeTable('Node_A:1 b'), 'skiff-netpol-node_a-1-b');
  assert.match(netpolNodeTable('x'.repeat(400)), /^[a-zA-Z][a-zA-Z0-9_.-]*$/);
  assert.equal(netpolNodeTable('x'.repeat(400)).length, 255);
});

test('the noted table: written, read back, forgotten; junk is ignored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-note-'));
  try {
    assert.equal(recordedNetworkPolicyTable(dir), undefined);
    recordNetworkPolicyTable(dir, 'skiff-netpol-n1');
    assert.equal(recordedNetworkPolicyTable(dir), 'skiff-netpol-n1');
    recordNetworkPolicyTable(dir);
    assert.equal(recordedNetworkPolicyTable(dir), undefined);
    writeFileSync(join(dir, 'netpol-table'), 'filter; flush ruleset\n');
    assert.equal(recordedNetworkPolicyTable(dir), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('off: nothing starts and the reason is said once', () => {
  const lines: string[] = [];
  const c = startNodeNetworkPolicy({ setting: { off: '--disable-network-policy' }, informers: {} as SharedInformerFactory, nodeName: 'n1', progress: (l) => lines.push(l), log: silentLogger });
  assert.equal(c, undefined);
  assert.deepEqual(lines, ['network policies: not enforced (--disable-network-policy)']);
});
