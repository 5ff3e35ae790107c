/**
 * The built-in local-path provisioner (k3s ships rancher/local-path-provisioner): for a
 * claim of a `rancher.io/local-path` class whose node has been chosen (the scheduler's
 * `volume.kubernetes.io/selected-node`), it creates a hostPath PersistentVolume at
 * `<node's storage dir>/pvc-<uid>_<ns>_<claim>` pinned to that node; the binder then binds
 * it. When such a volume is Released with reclaimPolicy Delete, it deletes the volume;
 * the directory itself lives on the node, so the node's kubelet creates it on first mount
 * and removes it before letting the volume go (LOCAL_PATH_FINALIZER). At start it makes
 * `local-path` the default StorageClass when the cluster has no default class.
 */
import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { PersistentVolume } from '../api/core/v1/persistent-volume.js';
import { PersistentVolumeKind } from '../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { PersistentVolumeClaimKind } from '../api/core/v1/persistent-volume-claim.js';
import {
  LOCAL_PATH_CLASS,
  LOCAL_PATH_FINALIZER,
  LOCAL_PATH_NODE_ANNOTATION,
  LOCAL_PATH_PROVISIONER,
  LOCAL_STORAGE_PATH_ANNOTATION,
  localPathDirName,
} from '../api/storage/v1/local-path.js';
import type { StorageClass } from '../api/storage/v1/storage-class.js';
import { DEFAULT_CLASS_ANNOTATION, isDefaultClass, StorageClassKind } from '../api/storage/v1/storage-class.js';
import { controller } from '../client/controller.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../client/logger.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClass } from './pv-matching.js';

export const LOCAL_PATH_CONTROLLER = 'local-path-provisioner';
const RETRY_MS = 10_000;
const INVOLVED_PVC = { kind: 'PersistentVolumeClaim', apiVersion: 'v1' };
/** local-path volumes are one node's directory: no sharing across nodes. */
const SUPPORTED_MODES = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

export const localPathProvisionerController: ControllerDescriptor = {
  name: LOCAL_PATH_CONTROLLER,
  create: (ctx) => newLocalPathProvisioner(ctx),
};

/** The `local-path` class as k3s ships it: default, WaitForFirstConsumer, Delete. */
export function localPathStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/**
 * Creates the `local-path` class (as the default) unless some class is already the
 * default or a `local-path` class exists (an administrator's choice is kept). Idempotent.
 */
export async function ensureDefaultStorageClass(client: RestClient, log: Logger): Promise<void> {
  const api = client.resource<StorageClass>(StorageClassKind);
  const list = await api.list();
  if (list.items.some(isDefaultClass) || list.items.some((sc) => sc.metadata?.name === LOCAL_PATH_CLASS)) return;
  try {
    await api.create(localPathStorageClass());
    log.info('created the default StorageClass', { controller: LOCAL_PATH_CONTROLLER, storageClass: LOCAL_PATH_CLASS });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/** The volume local-path-provisioner would create for the claim on the node. */
export function localPathVolume(c: PersistentVolumeClaim, cls: StorageClass, node: Node, storageDir: string): PersistentVolume {
  const pvName = `pvc-${c.metadata?.uid ?? ''}`;
  const ns = c.metadata?.namespace ?? 'default';
  const claim = c.metadata?.name ?? '';
  const nodeName = node.metadata?.name ?? '';
  const hostname = node.metadata?.labels?.['kubernetes.io/hostname'] ?? nodeName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: pvName,
      annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER, [LOCAL_PATH_NODE_ANNOTATION]: nodeName },
      finalizers: [LOCAL_PATH_FINALIZER],
    },
    spec: {
      capacity: { storage: String(c.spec?.resources?.requests?.['storage'] ?? '0') },
      accessModes: [...(c.spec?.accessModes ?? [])],
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      storageClassName: cls.metadata?.name ?? '',
      volumeMode: 'Filesystem',
      hostPath: { path: `${storageDir.replace(/\/+$/, '')}/${localPathDirName(pvName, ns, claim)}`, type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name: claim, uid: c.metadata?.uid ?? '', resourceVersion: c.metadata?.resourceVersion ?? '' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [hostname] }] }] } },
    },
  } as PersistentVolume;
}

export function newLocalPathProvisioner(ctx: ControllerContext): RunningController {
  const claims = ctx.informers.informerFor<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const volumes = ctx.informers.informerFor<PersistentVolume>(PersistentVolumeKind);
  const classes = ctx.informers.informerFor<StorageClass>(StorageClassKind);
  const nodes = ctx.informers.informerFor<Node>(NodeKind);
  const pvApi = ctx.client.resource<PersistentVolume>(PersistentVolumeKind);
  // Events as the external provisioner library signs them.
  const recorder = ctx.recorder(`${LOCAL_PATH_PROVISIONER}_${LOCAL_PATH_CONTROLLER}`);
  const claimEvent = (c: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, msg: string) => recorder.event(c, type, reason, msg, INVOLVED_PVC);

  const provision = async (key: string): Promise<{ requeueAfterMs?: number } | void> => {
    const c = claims.get(key);
    if (!c || c.spec?.volumeName || c.metadata?.deletionTimestamp) return;
    if (c.metadata?.annotations?.[ANN_STORAGE_PROVISIONER] !== LOCAL_PATH_PROVISIONER) return;
    const cls = classes.get(claimClass(c));
    if (!cls || cls.provisioner !== LOCAL_PATH_PROVISIONER) return;
    const pvName = `pvc-${c.metadata?.uid ?? ''}`;
    if (volumes.get(pvName)) return;
    const failed = (why: string) => {
      claimEvent(c, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata?.name}": ${why}`);
      return { requeueAfterMs: RETRY_MS };
    };
    const bad = (c.spec?.accessModes ?? []).filter((m) => !SUPPORTED_MODES.has(m));
    if (bad.length) return failed('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
    const nodeName = c.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (!nodeName) return failed('configuration error, no node was specified');
    const node = nodes.get(nodeName);
    if (!node) return failed(`nodes "${nodeName}" not found`);
    const storageDir = node.metadata?.annotations?.[LOCAL_STORAGE_PATH_ANNOTATION];
    if (!storageDir) return failed(`node "${nodeName}" does not report its local storage path (annotation ${LOCAL_STORAGE_PATH_ANNOTATION})`);
    claimEvent(c, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${c.metadata?.namespace}/${c.metadata?.name}"`);
    try {
      await pvApi.create(localPathVolume(c, cls, node, storageDir));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return;
    }
    claimEvent(c, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
    ctx.log.info('volume provisioned', { controller: LOCAL_PATH_CONTROLLER, claim: key, volume: pvName, node: nodeName });
  };

  /** A Released volume of ours with reclaimPolicy Delete goes; its kubelet then removes the directory. */
  const reclaim = async (name: string): Promise<void> => {
    const pv = volumes.get(name);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    if (pv.metadata?.annotations?.[ANN_PROVISIONED_BY] !== LOCAL_PATH_PROVISIONER) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    try {
      await pvApi.delete(name, { preconditions: { uid: pv.metadata?.uid ?? '' } });
      ctx.log.info('released volume deleted', { controller: LOCAL_PATH_CONTROLLER, volume: name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  const reconcile = async (key: string): Promise<{ requeueAfterMs?: number } | void> =>
    key.startsWith('volume/') ? reclaim(key.slice('volume/'.length)) : provision(key.slice('claim/'.length));

  const claimKey = (c: PersistentVolumeClaim) => `claim/${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`;
  const ctl = controller(LOCAL_PATH_CONTROLLER, { reconcile, workers: 2, clock: ctx.clock, logger: ctx.log })
    .watches(claims, claimKey)
    .watches(volumes, (pv) => `volume/${pv.metadata?.name ?? ''}`)
    .watches(classes, (sc) => claims.list().filter((c) => !c.spec?.volumeName && claimClass(c) === sc.metadata?.name).map(claimKey))
    // A node that now reports its storage path may unblock claims waiting for it.
    .watches(nodes, (n) => claims.list().filter((c) => !c.spec?.volumeName && c.metadata?.annotations?.[ANN_SELECTED_NODE] === n.metadata?.name).map(claimKey));
  return {
    start: async () => {
      await ensureDefaultStorageClass(ctx.client, ctx.log).catch((err: unknown) => ctx.log.warn('could not ensure the default StorageClass', { controller: LOCAL_PATH_CONTROLLER, error: String(err) }));
      await ctl.start();
    },
    stop: () => ctl.stop(),
  };
}
