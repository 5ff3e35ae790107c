import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PodKind, type Pod } from '../api/core/v1/pod.js';
import { NetworkPolicyKind, type NetworkPolicy } from '../api/networking/v1/network-policy.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { silentLogger } from '../client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../client/rest-client.js';
import { startTestServer, waitFor, type TestServer } from '../../test/e2e/support/index.js';
import { startNetworkPolicyController } from './controller.js';

// The applying half against a real API server, with nft replaced by a recorder: what is
// applied when, that an unchanged table is not re-applied, and the delete on stop.
let server: TestServer;
let client: RestClient;
before(async () => {
  server = await startTestServer();
  client = clientFromKubeconfig({ path: server.kubeconfigPath });
});
after(async () => {
  client?.close();
  await server?.stop();
});

test('the controller applies the compiled table on changes, only when it differs, and deletes it on stop', async () => {
  const scripts: string[] = [];
  const informers = new SharedInformerFactory({ client, logger: silentLogger });
  const c = startNetworkPolicyController({ informers, nodeName: 'n1', table: 'skiff-netpol-test', log: silentLogger, syncDelayMs: 10, nft: async (s) => void scripts.push(s) });
  informers.start();
  try {
    await c.ready();
    assert.equal(scripts.length, 1);
    assert.doesNotMatch(scripts[0] ?? '', /vmap/, 'nothing isolated yet');

    const pods = client.resource<Pod>(PodKind);
    const created = await pods.create({ metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } } as Pod);
    await pods.updateStatus({ ...created, status: { phase: 'Running', podIP: '198.18.80.2', podIPs: [{ ip: '198.18.80.2' }] } });
    await client.resource<NetworkPolicy>(NetworkPolicyKind).create({ metadata: { name: 'deny', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'web' } } } });
    await waitFor('the pod isolated', async () => (c.lastApplied()?.includes('198.18.80.2 : jump ing-198-18-80-2') ? true : undefined), 10_000);
    const count = scripts.length;
    // A label that no policy looks at changes nothing in the table: no new transaction.
    await pods.patch('web', { metadata: { labels: { app: 'web', unrelated: 'x' } } }, 'merge', { namespace: 'default' });
    await client.resource<NetworkPolicy>(NetworkPolicyKind).delete('deny', { namespace: 'default' });
    await waitFor('the isolation lifted', async () => (c.lastApplied()?.includes('vmap') === false ? true : undefined), 10_000);
    assert.equal(scripts.length, count + 1, 'one transaction for the delete, none for the unrelated label');
  } finally {
    await c.stop();
    await informers.stop();
  }
  assert.equal(scripts.at(-1), 'add table inet skiff-netpol-test\ndelete table inet skiff-netpol-test\n');
});
