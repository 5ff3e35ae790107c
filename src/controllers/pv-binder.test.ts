import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import { NodeKind, type Node } from '../api/core/v1/node.js';
import { PersistentVolumeKind, type PersistentVolume } from '../api/core/v1/persistent-volume.js';
import { PersistentVolumeClaimKind, type PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { LOCAL_PATH_FINALIZER, LOCAL_STORAGE_PATH_ANNOTATION } from '../api/storage/v1/local-path.js';
import { StorageClassKind, type StorageClass } from '../api/storage/v1/storage-class.js';
import { silentLogger } from '../client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../client/rest-client.js';
import { isNotFound } from '../client/status-error.js';
import { startTestServer, type TestServer } from '../../test/e2e/support/index.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { waitFor } from './test-support.js';

let server: TestServer;
let client: RestClient;
let manager: ControllerManager;

before(async () => {
  server = await startTestServer();
  client = clientFromKubeconfig({ path: server.kubeconfigPath });
  manager = await startControllerManager({ client, log: silentLogger, controllers: ['persistentvolume-binder', 'local-path-provisioner'] });
});
after(async () => {
  await manager?.stop();
  client?.close();
  await server?.stop();
});

const pvs = () => client.resource<PersistentVolume>(PersistentVolumeKind);
const pvcs = () => client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind);
const getPv = (n: string) => pvs().get(n).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
const getPvc = (n: string) => pvcs().get(n, { namespace: 'default' });
const claim = (name: string, spec: Record<string, unknown> = {}): PersistentVolumeClaim =>
  ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec } }) as PersistentVolumeClaim;
const events = async (name: string) =>
  (await client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === name).map((e) => `${e.reason}: ${e.message}`);

test('the local-path class is created as the default, WaitForFirstConsumer, Delete', async () => {
  const sc = await waitFor('local-path class', () => client.resource<StorageClass>(StorageClassKind).get('local-path').catch(() => undefined));
  assert.equal(sc.provisioner, 'rancher.io/local-path');
  assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
  assert.equal(sc.reclaimPolicy, 'Delete');
  assert.equal(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
});

test('a static volume binds to a claim that fits; Retain leaves it Released when the claim goes', async () => {
  await pvs().create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'static-small' },
    spec: { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/static-small' }, storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain' },
  } as PersistentVolume);
  await pvs().create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'static-big' },
    spec: { capacity: { storage: '20Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/static-big' }, storageClassName: 'manual' },
  } as PersistentVolume);
  await waitFor('static volumes Available', async () => (await getPv('static-small'))?.status?.phase === 'Available' || undefined);
  await pvcs().create(claim('static', { storageClassName: 'manual' }), { namespace: 'default' });
  const bound = await waitFor('claim Bound', async () => ((await getPvc('static')).status?.phase === 'Bound' ? getPvc('static') : undefined));
  assert.equal(bound.spec?.volumeName, 'static-small');
  assert.deepEqual(bound.status?.capacity, { storage: '2Gi' });
  assert.deepEqual(bound.status?.accessModes, ['ReadWriteOnce']);
  assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
  assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  const pv = await waitFor('volume Bound', async () => ((await getPv('static-small'))?.status?.phase === 'Bound' ? getPv('static-small') : undefined));
  assert.deepEqual([pv.spec?.claimRef?.namespace, pv.spec?.claimRef?.name, pv.spec?.claimRef?.uid], ['default', 'static', bound.metadata?.uid]);
  assert.equal(pv.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  assert.equal((await getPv('static-big'))?.status?.phase, 'Available');

  await pvcs().delete('static', { namespace: 'default' });
  const released = await waitFor('volume Released', async () => ((await getPv('static-small'))?.status?.phase === 'Released' ? getPv('static-small') : undefined));
  assert.equal(released.spec?.claimRef?.name, 'static', 'Retain keeps the claimRef for the administrator');
});

test('a claim pre-bound by volumeName binds to that volume; a mismatch is reported', async () => {
  await pvs().create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'named' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/named' }, storageClassName: '' },
  } as PersistentVolume);
  await pvcs().create(claim('too-big', { storageClassName: '', volumeName: 'named', resources: { requests: { storage: '5Gi' } } }), { namespace: 'default' });
  await waitFor('VolumeMismatch event', async () => (await events('too-big')).find((e) => e === 'VolumeMismatch: Cannot bind to requested volume "named": requested PV is too small'));
  await pvcs().create(claim('by-name', { storageClassName: '', volumeName: 'named' }), { namespace: 'default' });
  await waitFor('claim Bound', async () => (await getPvc('by-name')).status?.phase === 'Bound' || undefined);
  const pv = await getPv('named');
  assert.equal(pv?.spec?.claimRef?.name, 'by-name');
  assert.equal((await getPvc('by-name')).metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined, 'the user chose the volume');
  assert.equal((await getPvc('too-big')).status?.phase, 'Pending');
});

test('no class and no volume: FailedBinding; an unknown class: ProvisioningFailed', async () => {
  await pvcs().create(claim('classless', { storageClassName: '' }), { namespace: 'default' });
  await waitFor('FailedBinding', async () => (await events('classless')).find((e) => e === 'FailedBinding: no persistent volumes available for this claim and no storage class is set'));
  await pvcs().create(claim('unknown-class', { storageClassName: 'nope' }), { namespace: 'default' });
  await waitFor('ProvisioningFailed', async () => (await events('unknown-class')).find((e) => e === 'ProvisioningFailed: storageclass.storage.k8s.io "nope" not found'));
});

test('local-path: waits for its first consumer, provisions on the selected node, binds, and deletes the volume with its claim', async () => {
  await client.resource<Node>(NodeKind).create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' }, annotations: { [LOCAL_STORAGE_PATH_ANNOTATION]: '/data/agent/storage' } } } as Node);
  const created = await pvcs().create(claim('lp'), { namespace: 'default' });
  assert.equal(created.spec?.storageClassName, 'local-path', 'DefaultStorageClass admission');
  await waitFor('WaitForFirstConsumer', async () => (await events('lp')).find((e) => e === 'WaitForFirstConsumer: waiting for first consumer to be created before binding'));
  assert.equal((await getPvc('lp')).status?.phase, 'Pending');
  // What the scheduler does once a pod using the claim has a node.
  await pvcs().patch('lp', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-a' } } }, 'merge', { namespace: 'default' });
  const bound = await waitFor('claim Bound', async () => ((await getPvc('lp')).status?.phase === 'Bound' ? getPvc('lp') : undefined));
  const pvName = `pvc-${created.metadata?.uid}`;
  assert.equal(bound.spec?.volumeName, pvName);
  assert.equal(bound.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
  const pv = await getPv(pvName);
  assert.equal(pv?.spec?.hostPath?.path, `/data/agent/storage/${pvName}_default_lp`);
  assert.deepEqual(pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0], { key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] });
  assert.equal(pv?.spec?.persistentVolumeReclaimPolicy, 'Delete');
  assert.equal(pv?.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
  assert.deepEqual(pv?.metadata?.finalizers, [LOCAL_PATH_FINALIZER]);
  const evs = await events('lp');
  for (const want of ['Provisioning: External provisioner is provisioning volume for claim "default/lp"', `ProvisioningSucceeded: Successfully provisioned volume ${pvName}`]) assert.ok(evs.includes(want), evs.join('\n'));

  await pvcs().delete('lp', { namespace: 'default' });
  // The node's kubelet (absent here) would remove the directory and then the finalizer.
  const going = await waitFor('volume deleted', async () => ((await getPv(pvName))?.metadata?.deletionTimestamp ? getPv(pvName) : undefined));
  assert.equal(going.status?.phase, 'Released');
  await pvs().patch(pvName, { metadata: { finalizers: null } }, 'merge');
  await waitFor('volume gone', async () => (await getPv(pvName)) === undefined || undefined);
});
