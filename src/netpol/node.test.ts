import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkPolicySetting, startNodeNetworkPolicy } from './node.js';
import type { SharedInformerFactory } from '../client/informer-factory.js';
import { silentLogger } from '../client/logger.js';

test('the node setting: the flag, the runtime and the pod network decide, each with its reason', () => {
  assert.deepEqual(networkPolicySetting({ bridge: 'skiffbr0', runtime: 'process' }), { bridge: 'skiffbr0' });
  assert.deepEqual(networkPolicySetting({ disabled: true, bridge: 'skiffbr0' }), { off: '--disable-network-policy' });
  assert.match((networkPolicySetting({ runtime: 'cri', bridge: 'skiffbr0' }) as { off: string }).off, /cri/);
  assert.match((networkPolicySetting({ runtime: 'process' }) as { off: string }).off, /no network namespace of their own/);
});

test('off: nothing starts and the reason is said once', () => {
  const lines: string[] = [];
  const c = startNodeNetworkPolicy({ setting: { off: '--disable-network-policy' }, informers: {} as SharedInformerFactory, nodeName: 'n1', progress: (l) => lines.push(l), log: silentLogger });
  assert.equal(c, undefined);
  assert.deepEqual(lines, ['network policies: not enforced (--disable-network-policy)']);
});
