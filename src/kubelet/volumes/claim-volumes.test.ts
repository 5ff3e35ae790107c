import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersistentVolume } from '../../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/persistent-volume-claim.js';
import { claimHostPath, ClaimNotReadyError, type ClaimSource } from './claim-volumes.js';
import { directoryToRemove } from './local-path-cleanup.js';

const root = mkdtempSync(join(tmpdir(), 'skiff-claim-volumes-'));
after(() => rmSync(root, { recursive: true, force: true }));

const storage = join(root, 'storage');
const pv = (name: string, path: string, over: Partial<PersistentVolume> = {}): PersistentVolume => ({
  metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path', 'local.path.provisioner/selected-node': 'n1' } },
  spec: { hostPath: { path, type: 'DirectoryOrCreate' }, persistentVolumeReclaimPolicy: 'Delete', claimRef: { uid: 'c1' } },
  ...over,
});
const claim = (phase: 'Pending' | 'Bound', volumeName?: string): PersistentVolumeClaim => ({ metadata: { name: 'data', namespace: 'ns', uid: 'c1' }, spec: { ...(volumeName ? { volumeName } : {}) }, status: { phase } });
const source = (c: PersistentVolumeClaim | undefined, v: PersistentVolume | undefined): ClaimSource => ({ claim: async () => c, volume: async () => v });

test('an absent or unbound claim keeps the pod waiting, with the kubelet\'s wording', async () => {
  await assert.rejects(claimHostPath('ns', 'data', source(undefined, undefined)), (e: Error) => e instanceof ClaimNotReadyError && e.message === 'error processing PVC ns/data: failed to fetch PVC from API server: persistentvolumeclaims "data" not found');
  await assert.rejects(claimHostPath('ns', 'data', source(claim('Pending'), undefined)), (e: Error) => e instanceof ClaimNotReadyError && e.message === 'error processing PVC ns/data: PVC is not bound');
  await assert.rejects(claimHostPath('ns', 'data', source(claim('Bound', 'pv1'), undefined)), ClaimNotReadyError);
});

test('a bound local-path claim gets its directory made world-writable on this node', async () => {
  const dir = join(storage, 'pvc-1_ns_data');
  assert.equal(await claimHostPath('ns', 'data', source(claim('Bound', 'pv1'), pv('pv1', dir))), dir);
  assert.equal(statSync(dir).mode & 0o777, 0o777);
  const local = { metadata: { name: 'l' }, spec: { local: { path: join(root, 'missing') } } } as PersistentVolume;
  await assert.rejects(claimHostPath('ns', 'data', source(claim('Bound', 'l'), local)), /path ".*missing" does not exist/);
  const other = pv('pv2', dir, { spec: { hostPath: { path: dir }, claimRef: { uid: 'someone-else' } } });
  await assert.rejects(claimHostPath('ns', 'data', source(claim('Bound', 'pv2'), other)), /bound to another claim/);
});

test('an ephemeral volume\'s claim is used only when the pod controls it', async () => {
  const dir = join(storage, 'pvc-2_ns_web-data');
  const pod = { metadata: { name: 'web', namespace: 'ns', uid: 'pod-1' } };
  const owned = (uid: string): PersistentVolumeClaim => ({ ...claim('Bound', 'pv3'), metadata: { name: 'web-data', namespace: 'ns', uid: 'c1', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid, controller: true }] } });
  assert.equal(await claimHostPath('ns', 'web-data', source(owned('pod-1'), pv('pv3', dir)), pod), dir);
  await assert.rejects(
    claimHostPath('ns', 'web-data', source(owned('another-pod'), pv('pv3', dir)), pod),
    (e: Error) => e instanceof ClaimNotReadyError && e.message === 'PVC ns/web-data was not created for pod ns/web (pod is not owner)',
  );
  await assert.rejects(claimHostPath('ns', 'web-data', source(claim('Pending'), undefined), pod), /PVC is not bound/, 'binding is waited for first, as upstream');
});

test('only this node\'s Delete volumes under the storage dir are removed', () => {
  const dir = join(storage, 'pvc-1_ns_data');
  assert.equal(directoryToRemove(pv('a', dir), 'n1', storage), dir);
  assert.equal(directoryToRemove(pv('a', dir), 'n2', storage), undefined, 'another node\'s');
  assert.equal(directoryToRemove(pv('a', dir, { spec: { hostPath: { path: dir }, persistentVolumeReclaimPolicy: 'Retain' } }), 'n1', storage), undefined, 'Retain keeps data');
  assert.equal(directoryToRemove(pv('a', join(storage, '..', 'etc')), 'n1', storage), undefined, 'never outside the storage dir');
  assert.equal(directoryToRemove(pv('a', storage), 'n1', storage), undefined, 'never the storage dir itself');
  assert.ok(existsSync(dir));
});
