/**
 * The VolumeBinding plugin's view of the cluster (informer caches of claims, volumes and
 * classes) and its writes, for startScheduler. Claim and volume changes requeue pods
 * that use claims, since a bind or a new volume can make them schedulable.
 */
import { PersistentVolumeKind, type PersistentVolume } from '../api/core/v1/persistent-volume.js';
import { PersistentVolumeClaimKind, type PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { StorageClassKind, type StorageClass } from '../api/storage/v1/storage-class.js';
import type { Clock } from '../client/clock.js';
import type { SharedInformerFactory } from '../client/informer-factory.js';
import type { RestClient } from '../client/rest-client.js';
import { ANN_SELECTED_NODE } from '../controllers/pv-matching.js';
import { claimFullyBound, type VolumeBindingIo, type VolumeListers } from './plugins/volume-binding.js';
import type { QueuedPod } from './interfaces.js';

/** Upstream's bindTimeoutSeconds: how long PreBind waits for the binder and provisioner. */
export const DEFAULT_BIND_TIMEOUT_MS = 600_000;

export function schedulerVolumes(opts: {
  client: RestClient;
  factory: SharedInformerFactory;
  clock: Clock;
  bindTimeoutMs?: number;
  /** Called when claims, volumes or classes change (requeue pods waiting on them). */
  onChange: (filter: (q: QueuedPod) => boolean) => void;
}): { listers: VolumeListers; io: VolumeBindingIo; stop(): void } {
  const claims = opts.factory.informerFor<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const volumes = opts.factory.informerFor<PersistentVolume>(PersistentVolumeKind);
  const classes = opts.factory.informerFor<StorageClass>(StorageClassKind);
  const pvcApi = opts.client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const pvApi = opts.client.resource<PersistentVolume>(PersistentVolumeKind);
  const listers: VolumeListers = {
    claim: (ns, name) => claims.get(`${ns}/${name}`),
    volume: (name) => volumes.get(name),
    volumes: () => volumes.list(),
    storageClass: (name) => (name ? classes.get(name) : undefined),
  };
  // Ephemeral volumes are claims too: their pods wait for the claim the controller makes.
  const usesClaims = (q: QueuedPod) => !!q.pod.spec?.volumes?.some((v) => v.persistentVolumeClaim || v.ephemeral);
  const changed = () => opts.onChange(usesClaims);
  /** Waiters for claims to become bound, woken by claim updates. */
  const waiters = new Set<() => void>();
  const unregister = [
    claims.addEventHandler({ onAdd: changed, onUpdate: () => { changed(); for (const w of [...waiters]) w(); }, onDelete: changed }),
    volumes.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed }),
    classes.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed }),
  ];
  const io: VolumeBindingIo = {
    async selectNode(c, nodeName) {
      await pvcApi.patch(c.metadata?.name ?? '', { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } }, 'merge', { namespace: c.metadata?.namespace ?? 'default' });
    },
    async prebind(pv, c) {
      const claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: c.metadata?.namespace ?? 'default', name: c.metadata?.name ?? '', uid: c.metadata?.uid ?? '', resourceVersion: c.metadata?.resourceVersion ?? '' };
      const annotations = { ...(pv.metadata?.annotations ?? {}), 'pv.kubernetes.io/bound-by-controller': 'yes' };
      // An update, not a patch: the resourceVersion makes a race with another binder a conflict.
      await pvApi.update({ ...pv, metadata: { ...pv.metadata, annotations }, spec: { ...pv.spec, claimRef } });
    },
    waitBound(keys) {
      const allBound = () => keys.every((k) => {
        const c = claims.get(k);
        return !!c && claimFullyBound(c);
      });
      if (allBound()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!allBound()) return;
          done();
          resolve();
        };
        const timer = opts.clock.setTimeout(() => {
          done();
          reject(new Error('timed out waiting for the condition'));
        }, opts.bindTimeoutMs ?? DEFAULT_BIND_TIMEOUT_MS);
        const done = () => {
          waiters.delete(check);
          timer.cancel();
        };
        waiters.add(check);
      });
    },
  };
  return { listers, io, stop: () => unregister.forEach((u) => u()) };
}
