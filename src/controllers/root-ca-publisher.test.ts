import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigMapKind, type ConfigMap } from '../api/core/v1/config-map.js';
import { NamespaceKind, type Namespace } from '../api/core/v1/namespace.js';
import { silentLogger } from '../client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../client/rest-client.js';
import { isNotFound } from '../client/status-error.js';
import { startTestServer, type TestServer } from '../../test/e2e/support/index.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { ROOT_CA_CONFIG_MAP } from './root-ca-publisher.js';
import { waitFor } from './test-support.js';

let server: TestServer;
let client: RestClient;
let manager: ControllerManager;

before(async () => {
  server = await startTestServer();
  client = clientFromKubeconfig({ path: server.kubeconfigPath });
  manager = await startControllerManager({ client, log: silentLogger, controllers: ['root-ca-cert-publisher'], rootCaPem: server.caPem });
});
after(async () => {
  await manager?.stop();
  client?.close();
  await server?.stop();
});

const configMaps = () => client.resource<ConfigMap>(ConfigMapKind);
const caIn = (ns: string) =>
  waitFor(`${ROOT_CA_CONFIG_MAP} in ${ns}`, async () => {
    const cm = await configMaps().get(ROOT_CA_CONFIG_MAP, { namespace: ns }).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    return cm?.data?.['ca.crt'] === server.caPem ? cm : undefined;
  });

test('every namespace gets kube-root-ca.crt with the cluster CA, new ones too', async () => {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    const cm = await caIn(ns);
    assert.match(cm.metadata?.annotations?.['kubernetes.io/description'] ?? '', /^Contains a CA bundle that can be used to verify the kube-apiserver/);
  }
  await client.resource<Namespace>(NamespaceKind).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } } as Namespace);
  await caIn('fresh');
});

test('a deleted kube-root-ca.crt comes back, a changed one is put right', async () => {
  await caIn('default');
  await configMaps().delete(ROOT_CA_CONFIG_MAP, { namespace: 'default' });
  const back = await caIn('default');
  await configMaps().update({ ...back, data: { 'ca.crt': 'forged', extra: 'x' } }, { namespace: 'default' });
  const fixed = await caIn('default');
  assert.deepEqual(Object.keys(fixed.data ?? {}), ['ca.crt']);
});
