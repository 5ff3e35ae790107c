/**
 * persistentVolumeClaim and generic ephemeral volumes (the claim `<pod>-<volume>` its
 * controller made for the pod): the claim is resolved to its bound PersistentVolume and
 * the volume's node directory (hostPath or local) is used the way a hostPath volume is.
 * Until the claim is bound the pod waits in ContainerCreating, as the kubelet's volume
 * manager makes it wait. Directories of local-path volumes are made here, on the node
 * that owns them, on first mount (world-writable, as local-path-provisioner makes them).
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { ephemeralClaimNotOwned } from '../../api/core/v1/ephemeral-volume.js';
import type { PersistentVolume } from '../../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/persistent-volume-claim.js';
import type { Pod } from '../../api/core/v1/pod.js';
import { LOCAL_PATH_PROVISIONER } from '../../api/storage/v1/local-path.js';
import { checkHostPath, type HostPathType } from './host-path.js';
import { VolumeSetUpError } from './projection.js';

/** Reads claims and volumes (undefined for NotFound). */
export interface ClaimSource {
  claim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  volume(name: string): Promise<PersistentVolume | undefined>;
}

/** The claim is missing or not bound yet: the pod waits (retried on the next sync). */
export class ClaimNotReadyError extends VolumeSetUpError {}

/**
 * The host directory backing the claim, created when the volume is a local-path one.
 * Throws ClaimNotReadyError while the claim is absent or unbound (or, for the claim of
 * `ephemeralFor`'s ephemeral volume, not controlled by that pod), VolumeSetUpError when
 * the volume cannot be used on this node.
 */
export async function claimHostPath(namespace: string, claimName: string, src: ClaimSource, ephemeralFor?: Pod): Promise<string> {
  const what = `error processing PVC ${namespace}/${claimName}`;
  const c = await src.claim(namespace, claimName);
  if (!c) throw new ClaimNotReadyError(`${what}: failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`);
  if (c.status?.phase !== 'Bound') throw new ClaimNotReadyError(`${what}: PVC is not bound`);
  const volumeName = c.spec?.volumeName;
  if (!volumeName) throw new ClaimNotReadyError(`${what}: PVC has empty pvc.Spec.VolumeName`);
  // An ephemeral volume's claim must be the pod's own; the pod waits until a foreign one is gone.
  const notOwned = ephemeralFor ? ephemeralClaimNotOwned(ephemeralFor, c) : undefined;
  if (notOwned) throw new ClaimNotReadyError(notOwned);
  const pv = await src.volume(volumeName);
  if (!pv) throw new ClaimNotReadyError(`${what}: failed to fetch PV ${volumeName} from API server: persistentvolumes "${volumeName}" not found`);
  if (pv.spec?.claimRef?.uid && pv.spec.claimRef.uid !== c.metadata?.uid) throw new VolumeSetUpError(`${what}: the PV ${volumeName} is bound to another claim`);
  return prepareVolumeDir(pv);
}

/** Makes the volume's directory usable and returns it. */
export function prepareVolumeDir(pv: PersistentVolume): string {
  const name = pv.metadata?.name ?? '';
  if (pv.spec?.hostPath) {
    const path = pv.spec.hostPath.path ?? '';
    if (pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] === LOCAL_PATH_PROVISIONER && path.startsWith('/') && !existsSync(path)) {
      mkdirSync(path, { recursive: true });
      // 0777 whatever the umask, so containers running as any user can write.
      chmodSync(path, 0o777);
      return path;
    }
    checkHostPath(path, pv.spec.hostPath.type as HostPathType | undefined);
    return path;
  }
  if (pv.spec?.local) {
    const path = pv.spec.local.path ?? '';
    let ok = false;
    try {
      ok = statSync(path).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) throw new VolumeSetUpError(`path "${path}" does not exist`);
    return path;
  }
  throw new VolumeSetUpError(`volume ${name}: only hostPath and local PersistentVolumes can be mounted by this kubelet`);
}
