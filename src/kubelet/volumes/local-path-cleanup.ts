/**
 * The node side of local-path volumes: the kubelet tells the provisioner where its
 * storage directory is (a node annotation), and when a local-path volume of this node is
 * being deleted it removes the directory (reclaimPolicy Delete; Retain keeps the data)
 * and then the volume's finalizer. Level-triggered on the PersistentVolume informer, so a
 * deletion requested while the kubelet was down is finished when it comes back.
 */
import { rm } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Node } from '../../api/core/v1/node.js';
import { NodeKind } from '../../api/core/v1/node.js';
import type { PersistentVolume } from '../../api/core/v1/persistent-volume.js';
import { PersistentVolumeKind } from '../../api/core/v1/persistent-volume.js';
import { LOCAL_PATH_FINALIZER, LOCAL_PATH_NODE_ANNOTATION, LOCAL_STORAGE_PATH_ANNOTATION } from '../../api/storage/v1/local-path.js';
import type { Informer } from '../../client/informer.js';
import type { Logger } from '../../client/logger.js';
import type { RestClient } from '../../client/rest-client.js';
import { isConflict, isNotFound } from '../../client/status-error.js';

/** Records `<storageDir>` on the node, so the provisioner can place volumes there. */
export async function advertiseStorageDir(client: RestClient, nodeName: string, storageDir: string, logger: Logger): Promise<void> {
  try {
    await client.resource<Node>(NodeKind).patch(nodeName, { metadata: { annotations: { [LOCAL_STORAGE_PATH_ANNOTATION]: storageDir } } }, 'merge');
  } catch (err) {
    logger.warn('could not record the node\'s local storage path', { node: nodeName, error: String(err) });
  }
}

/** The directory to remove for a volume being deleted, or undefined when it is not ours to remove. */
export function directoryToRemove(pv: PersistentVolume, nodeName: string, storageDir: string): string | undefined {
  if (pv.metadata?.annotations?.[LOCAL_PATH_NODE_ANNOTATION] !== nodeName) return undefined;
  if (pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return undefined;
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path) return undefined;
  // Never outside the storage directory, whatever the volume says.
  const full = resolve(path);
  return full.startsWith(resolve(storageDir) + sep) ? full : undefined;
}

export function startLocalPathCleanup(cfg: { client: RestClient; volumes: Informer<PersistentVolume>; nodeName: string; storageDir: string; logger: Logger }): () => void {
  const api = cfg.client.resource<PersistentVolume>(PersistentVolumeKind);
  const busy = new Set<string>();
  const finish = async (name: string): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      let pv: PersistentVolume;
      try {
        pv = await api.get(name);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (!pv.metadata?.finalizers?.includes(LOCAL_PATH_FINALIZER)) return;
      const dir = directoryToRemove(pv, cfg.nodeName, cfg.storageDir);
      if (dir) {
        await rm(dir, { recursive: true, force: true });
        cfg.logger.info('local-path directory removed', { volume: name, dir });
      }
      try {
        await api.update({ ...pv, metadata: { ...pv.metadata, finalizers: pv.metadata.finalizers.filter((f) => f !== LOCAL_PATH_FINALIZER) } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
      }
    }
  };
  const onChange = (pv: PersistentVolume): void => {
    const name = pv.metadata?.name ?? '';
    if (!pv.metadata?.deletionTimestamp || !pv.metadata.finalizers?.includes(LOCAL_PATH_FINALIZER)) return;
    if (pv.metadata.annotations?.[LOCAL_PATH_NODE_ANNOTATION] !== cfg.nodeName || busy.has(name)) return;
    busy.add(name);
    finish(name)
      .catch((err: unknown) => cfg.logger.warn('local-path cleanup failed', { volume: name, error: String(err) }))
      .finally(() => busy.delete(name));
  };
  return cfg.volumes.addEventHandler({ onAdd: onChange, onUpdate: (_a, b) => onChange(b) });
}
