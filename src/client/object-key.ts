import type { ObjectMeta, OwnerReference } from '../api/meta/v1/object-meta.js';

/** The least every API object has; kinds from src/api satisfy it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** Splits a key made by objectKey back into namespace ('' when cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The group of an apiVersion ('apps/v1' → 'apps', 'v1' → ''). */
export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The ownerReference with controller: true, if any. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/**
 * The key of the object's controlling owner when that owner is of the given kind (and
 * group, when given) — how `owns()` maps a Pod to its ReplicaSet. Owners live in the
 * object's namespace (cluster-scoped owners have no namespace).
 */
export function controllerOwnerKey(obj: KubeObject, owner: { kind: string; group?: string }): string | undefined {
  const ref = controllerRef(obj);
  if (!ref || ref.kind !== owner.kind || !ref.name) return undefined;
  if (owner.group !== undefined && groupOf(ref.apiVersion) !== owner.group) return undefined;
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${ref.name}` : ref.name;
}
