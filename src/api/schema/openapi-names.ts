/**
 * OpenAPI component names, as kube-apiserver names them: the Go package path reversed
 * plus the type name (io.k8s.api.core.v1.PodSpec, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta).
 */
import type { ObjectSchema } from './dsl.js';

export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
export const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const META_PACKAGE = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Our group directories under src/api whose Go package is not io.k8s.api.<dir>. */
const specialPackages: Readonly<Record<string, (version: string) => string>> = {
  meta: () => META_PACKAGE,
  apiextensions: (v) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${v}`,
};

/** The package of a schema declared in src/api/<dir>/<version>/…, or undefined. */
export function packageFromPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const m = /[\\/]api[\\/]([a-z0-9-]+)[\\/](v\d+(?:(?:alpha|beta)\d+)?)[\\/][^\\/]+$/.exec(path);
  if (!m) return undefined;
  const [, dir, version] = m as unknown as [string, string, string];
  return specialPackages[dir]?.(version) ?? `io.k8s.api.${dir}.${version}`;
}

/** Upstream groups whose package is io.k8s.api.<first label of the group>. */
const builtinGroups = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'events.k8s.io', 'rbac.authorization.k8s.io', 'scheduling.k8s.io',
  'coordination.k8s.io', 'discovery.k8s.io', 'authorization.k8s.io', 'authentication.k8s.io', 'networking.k8s.io',
  'storage.k8s.io', 'certificates.k8s.io', 'node.k8s.io', 'admissionregistration.k8s.io', 'flowcontrol.apiserver.k8s.io',
]);

/**
 * The package for schemas of a group/version when their file does not say: built-in
 * groups use io.k8s.api.<group's first label>; others (custom resources) the reversed
 * group, as kube-apiserver names CRD schemas (com.example.stable.v1).
 */
export function packageForGroup(group: string, version: string): string {
  if (group === 'apiextensions.k8s.io') return specialPackages['apiextensions']!(version);
  if (builtinGroups.has(group)) return `io.k8s.api.${group === '' ? 'core' : group.split('.')[0]}.${version}`;
  return `${group.split('.').reverse().join('.')}.${version}`;
}

/** A schema's component name: its explicit openApiName, else derived from where it was declared. */
export function componentName(schema: ObjectSchema<unknown>, fallbackPackage: string): string {
  if (schema.openApiName) return schema.openApiName;
  return `${packageFromPath(schema.declaredIn) ?? fallbackPackage}.${schema.name}`;
}
