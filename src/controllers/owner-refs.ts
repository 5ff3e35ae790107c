import type { OwnerReference } from '../api/meta/v1/object-meta.js';
import type { KubeObject } from '../client/object-key.js';
import { controllerRef } from '../client/object-key.js';
import type { ResourceClient } from '../client/resource-client.js';
import { isNotFound } from '../client/status-error.js';
import type { LabelSelector } from '../machinery/label-selector.js';

/** The controller reference an owner puts on what it creates. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimConfig<T extends KubeObject> {
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  selector: LabelSelector;
  /** Client for the dependents' resource (patches ownerReferences). */
  dependents: ResourceClient<T>;
  /**
   * Live re-check before adopting (client-go's RecheckDeletionTimestamp): adoption must not
   * happen when the owner is gone or being deleted, whatever the cache says.
   */
  canAdopt: () => Promise<boolean>;
  onError?: (err: unknown, obj: T) => void;
}

/**
 * client-go's ControllerRefManager.Claim: keeps the dependents this owner controls and
 * that match the selector, adopts matching orphans (patching a controller reference on),
 * releases ones it controls that no longer match (patching the reference off). Returns
 * the claimed objects (as they are after any patch).
 */
export async function claimObjects<T extends KubeObject>(candidates: readonly T[], cfg: ClaimConfig<T>): Promise<T[]> {
  const uid = cfg.owner.metadata?.uid;
  const ownerDeleting = Boolean(cfg.owner.metadata?.deletionTimestamp);
  const claimed: T[] = [];
  let adoptable: boolean | undefined;
  for (const obj of candidates) {
    const ref = controllerRef(obj);
    const matches = cfg.selector.matches(obj.metadata?.labels);
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      if (ownerDeleting) continue;
      // Release: the object no longer matches our selector.
      try {
        await removeOwnerReference(cfg.dependents, obj, uid ?? '');
      } catch (err) {
        cfg.onError?.(err, obj);
      }
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp) continue;
    adoptable ??= await cfg.canAdopt();
    if (!adoptable) continue;
    try {
      const ownerRef = newControllerRef(cfg.owner, cfg.ownerApiVersion, cfg.ownerKind);
      const patched = await cfg.dependents.patch(
        name,
        { metadata: { ownerReferences: [ownerRef], uid: obj.metadata?.uid } },
        'strategic',
        ns ? { namespace: ns } : {},
      );
      claimed.push(patched);
    } catch (err) {
      if (!isNotFound(err)) cfg.onError?.(err, obj);
    }
  }
  return claimed;
}

/**
 * Removes the owner reference with `uid` from `obj` by a strategic-merge delete keyed on
 * UID (as upstream's garbage collector and ReleasePod), with the dependent's UID as a
 * precondition. (Removing the last one leaves no `ownerReferences: []`: the API server
 * stores ObjectMeta as Go's omitempty prints it.) Resolves to the object as stored, or
 * undefined when it is gone; other failures are thrown.
 */
export async function removeOwnerReference<T extends KubeObject>(client: ResourceClient<T>, obj: T, uid: string): Promise<T | undefined> {
  const ns = obj.metadata?.namespace;
  try {
    return await client.patch(obj.metadata?.name ?? '', { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: obj.metadata?.uid } }, 'strategic', ns ? { namespace: ns } : {});
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
