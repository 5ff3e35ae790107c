import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventKind, type Event } from '../api/core/v1/event.js';
import { PersistentVolumeClaimKind, type PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { PodKind, type Pod } from '../api/core/v1/pod.js';
import { silentLogger } from '../client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../client/rest-client.js';
import { isNotFound } from '../client/status-error.js';
import { startTestServer, type TestServer } from '../../test/e2e/support/index.js';
import { ephemeralClaim } from './ephemeral-volume.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { waitFor } from './test-support.js';

let server: TestServer;
let client: RestClient;
let manager: ControllerManager;

before(async () => {
  server = await startTestServer();
  client = clientFromKubeconfig({ path: server.kubeconfigPath });
  manager = await startControllerManager({ client, log: silentLogger, controllers: ['ephemeral-volume', 'garbage-collector'], options: { resyncPeriodMs: 2000 } });
});
after(async () => {
  await manager?.stop();
  client?.close();
  await server?.stop();
});

const pods = () => client.resource<Pod>(PodKind);
const pvcs = () => client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind);
const getPvc = (n: string) => pvcs().get(n, { namespace: 'default' }).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
const claimSpec = { accessModes: ['ReadWriteOnce' as const], resources: { requests: { storage: '1Gi' } }, storageClassName: 'manual' };
const pod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
    volumes: [
      { name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: { labels: { tier: 'cache' }, annotations: { 'example.com/note': 'from template' } }, spec: claimSpec } } },
      { name: 'tmp', emptyDir: {} },
    ],
  },
});
const podEvents = async (name: string) =>
  (await client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.kind === 'Pod' && e.involvedObject?.name === name).map((e) => `${e.type} ${e.reason}: ${e.message}`);

test('the claim is the template with the pod as controlling owner', () => {
  const p = pod('web');
  p.metadata = { ...p.metadata, namespace: 'ns', uid: 'u1' };
  const c = ephemeralClaim(p, p.spec!.volumes![0]!);
  assert.deepEqual(c.metadata, {
    name: 'web-scratch',
    namespace: 'ns',
    ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }],
    labels: { tier: 'cache' },
    annotations: { 'example.com/note': 'from template' },
  });
  assert.deepEqual(c.spec, claimSpec);
  assert.notEqual(c.spec, p.spec!.volumes![0]!.ephemeral!.volumeClaimTemplate!.spec, 'a copy, not the pod\'s object');
});

test('a pod\'s ephemeral volume gets its claim; the claim goes with the pod', async () => {
  const created = await pods().create(pod('eph'), { namespace: 'default' });
  const c = await waitFor('claim eph-scratch', () => getPvc('eph-scratch'));
  assert.deepEqual(c.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'eph', uid: created.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(c.metadata?.labels, { tier: 'cache' });
  assert.equal(c.metadata?.annotations?.['example.com/note'], 'from template');
  assert.deepEqual(c.spec?.accessModes, ['ReadWriteOnce']);
  assert.equal(c.spec?.storageClassName, 'manual');
  assert.equal(await getPvc('eph-tmp'), undefined, 'only ephemeral volumes get claims');

  await pods().delete('eph', { namespace: 'default', gracePeriodSeconds: 0 });
  await waitFor('claim deleted by the garbage collector', async () => (await getPvc('eph-scratch')) === undefined || undefined);
});

test('a claim of that name the pod does not own is left alone and reported; once it is gone the pod gets its own', async () => {
  await pvcs().create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'taken-scratch', labels: { owner: 'someone' } }, spec: claimSpec }, { namespace: 'default' });
  const created = await pods().create(pod('taken'), { namespace: 'default' });
  const msg = 'Warning FailedBinding: PVC default/taken-scratch was not created for pod default/taken (pod is not owner)';
  await waitFor('not-owner event', async () => (await podEvents('taken')).includes(msg) || undefined);
  const foreign = await getPvc('taken-scratch');
  assert.equal(foreign?.metadata?.ownerReferences, undefined, 'never adopted');
  assert.deepEqual(foreign?.metadata?.labels, { owner: 'someone' });

  await pvcs().delete('taken-scratch', { namespace: 'default' });
  const own = await waitFor('the pod\'s own claim', async () => {
    const c = await getPvc('taken-scratch');
    return c?.metadata?.ownerReferences?.[0]?.uid === created.metadata?.uid ? c : undefined;
  });
  assert.deepEqual(own.metadata?.labels, { tier: 'cache' });
  await pods().delete('taken', { namespace: 'default', gracePeriodSeconds: 0 });
  await waitFor('claim deleted with the pod', async () => (await getPvc('taken-scratch')) === undefined || undefined);
});
