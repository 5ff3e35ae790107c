import type { KindSpec } from '../../api/schema/dsl.js';

/**
 * Storage keys of API objects: `/registry/<group or 'core'>/<resource>/<namespace>/<name>`,
 * and `/registry/<group or 'core'>/<resource>/<name>` for cluster-scoped kinds.
 */

/** '/registry/<group>/<resource>/' — every object of the resource. */
export function resourcePrefix(spec: Pick<KindSpec, 'group' | 'plural'>): string {
  return `/registry/${spec.group === '' ? 'core' : spec.group}/${spec.plural}/`;
}

/** Prefix of a list: one namespace, or all of the resource when `namespace` is undefined. */
export function listPrefix(spec: Pick<KindSpec, 'group' | 'plural' | 'namespaced'>, namespace?: string): string {
  const base = resourcePrefix(spec);
  return spec.namespaced && namespace ? `${base}${namespace}/` : base;
}

/** The key of one object. */
export function objectKey(
  spec: Pick<KindSpec, 'group' | 'plural' | 'namespaced'>,
  namespace: string | undefined,
  name: string,
): string {
  const base = resourcePrefix(spec);
  return spec.namespaced ? `${base}${namespace ?? ''}/${name}` : `${base}${name}`;
}
