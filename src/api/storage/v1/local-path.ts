/**
 * Well-known names of the built-in local-path provisioner (k3s's rancher/local-path-provisioner),
 * shared by the provisioner (controller side) and the kubelet that owns the directories.
 */

/** The provisioner name claims of the `local-path` class are handed to. */
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
/** The StorageClass `skiff up` / `skiff server` create as the default when the cluster has none. */
export const LOCAL_PATH_CLASS = 'local-path';
/** Node annotation: where that node's kubelet keeps local-path volumes (`<agent data dir>/storage`). */
export const LOCAL_STORAGE_PATH_ANNOTATION = 'skiff.io/local-storage-path';
/** Volume annotation naming the node whose directory backs it (as local-path-provisioner records it). */
export const LOCAL_PATH_NODE_ANNOTATION = 'local.path.provisioner/selected-node';
/**
 * Finalizer on provisioned volumes: the owning node's kubelet removes the directory (for
 * reclaimPolicy Delete) and then this finalizer, so data never outlives its volume
 * unnoticed and deletion waits for the machine that holds it.
 */
export const LOCAL_PATH_FINALIZER = 'skiff.io/local-path-directory';

/** The directory name local-path-provisioner uses: `<pv>_<namespace>_<claim>`. */
export function localPathDirName(pvName: string, namespace: string, claim: string): string {
  return `${pvName}_${namespace}_${claim}`;
}
