/**
 * Pure rules for pairing PersistentVolumeClaims with PersistentVolumes, as upstream's
 * pkg/controller/volume/persistentvolume/util (shared by the binder controller and the
 * scheduler's VolumeBinding plugin).
 */
import type { Node } from '../api/core/v1/node.js';
import type { PersistentVolume } from '../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { labelSelectorMatches } from '../api/meta/v1/label-selector-eval.js';
import { parseQuantity, type Quantity } from '../machinery/quantity.js';
import { termMatches, type NodeSelectorTerm } from '../scheduler/helpers.js';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const ANN_BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** GetPersistentVolumeClaimClass: the beta annotation wins, then spec.storageClassName, else "". */
export function claimClass(c: PersistentVolumeClaim): string {
  return c.metadata?.annotations?.[ANN_BETA_CLASS] ?? c.spec?.storageClassName ?? '';
}

/** GetPersistentVolumeClass, the same for volumes. */
export function volumeClass(pv: PersistentVolume): string {
  return pv.metadata?.annotations?.[ANN_BETA_CLASS] ?? pv.spec?.storageClassName ?? '';
}

/** The `storage` entry of a resource list; undefined when absent or unparsable. */
export function storageOf(list: Record<string, unknown> | null | undefined): Quantity | undefined {
  const v = list?.['storage'];
  if (v === undefined || v === null) return undefined;
  try {
    return parseQuantity(String(v));
  } catch {
    return undefined;
  }
}

/** The claim's storage request (0 when absent). */
export function requestOf(c: PersistentVolumeClaim): Quantity {
  return storageOf(c.spec?.resources?.requests as Record<string, unknown> | undefined) ?? parseQuantity('0');
}

/** IsVolumeBoundToClaim: claimRef names the claim, and its uid is unset or the claim's. */
export function isVolumeBoundToClaim(pv: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== c.metadata?.name || (ref.namespace ?? '') !== (c.metadata?.namespace ?? '')) return false;
  return !ref.uid || ref.uid === c.metadata?.uid;
}

/** CheckNodeAffinity: a volume without nodeAffinity fits every node; else one required term must match. */
export function volumeFitsNode(pv: PersistentVolume, node: Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!pv.spec?.nodeAffinity?.required) return true;
  return (terms ?? []).some((t) => termMatches(t as NodeSelectorTerm, node));
}

/** Every access mode the claim asks for is offered by the volume. */
export function accessModesFit(pv: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (c.spec?.accessModes ?? []).every((m) => offered.has(m));
}

function volumeModeOf(mode: string | null | undefined): string {
  return mode || 'Filesystem';
}

/**
 * FindMatchingVolume: the volume this claim should bind to, or undefined. A volume
 * already pre-bound to the claim wins (if big enough and, with a node, reachable from
 * it); otherwise the smallest Available volume of the claim's class whose access modes,
 * size, volumeMode, selector and (when `node` is given) node affinity fit. With
 * `delayBinding` and no node, only pre-bound volumes are considered: the scheduler picks
 * the rest once a pod is placed.
 */
export function findMatchingVolume(
  c: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  opts: { node?: Node; delayBinding?: boolean; excluded?: ReadonlySet<string> } = {},
): PersistentVolume | undefined {
  const request = requestOf(c);
  const cls = claimClass(c);
  let best: PersistentVolume | undefined;
  let bestSize: Quantity | undefined;
  for (const pv of volumes) {
    if (opts.excluded?.has(pv.metadata?.name ?? '')) continue;
    if (pv.metadata?.deletionTimestamp) continue;
    if (pv.spec?.claimRef && !isVolumeBoundToClaim(pv, c)) continue;
    const size = storageOf(pv.spec?.capacity as Record<string, unknown> | undefined);
    if (!size || size.cmp(request) < 0) continue;
    if (volumeModeOf(pv.spec?.volumeMode) !== volumeModeOf(c.spec?.volumeMode)) continue;
    const nodeOk = !opts.node || volumeFitsNode(pv, opts.node);
    if (isVolumeBoundToClaim(pv, c)) return nodeOk ? pv : undefined;
    if (!opts.node && opts.delayBinding) continue;
    if (c.spec?.selector && !labelSelectorMatches(c.spec.selector, (pv.metadata?.labels ?? {}) as Record<string, string>)) continue;
    if (volumeClass(pv) !== cls) continue;
    if (!nodeOk || !accessModesFit(pv, c)) continue;
    if (pv.status?.phase && pv.status.phase !== 'Available' && pv.status.phase !== 'Pending') continue;
    if (!bestSize || bestSize.cmp(size) > 0) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}
