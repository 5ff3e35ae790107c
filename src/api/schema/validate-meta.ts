/**
 * ObjectMeta rules that every kind shares (apimachinery's ValidateObjectMeta): name or
 * generateName, name format per kind, namespace scope, label and annotation syntax and size.
 */
import type { KindSpec, SchemaFieldError } from './dsl.js';
import { childPath, forbidden, indexPath, invalid, isPlainObject, required, tooLong } from './errors.js';
import { dns1035Label, dns1123Label, dns1123Subdomain, labelValue, qualifiedName } from './formats.js';

/** Total size limit of all annotation keys and values (TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Name rule of a kind; `prefix` allows a trailing '-' (generateName). */
export function nameProblems(format: KindSpec['nameFormat'], name: string, prefix = false): string[] {
  const n = prefix && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
  switch (format ?? 'dns1123-subdomain') {
    case 'dns1123-label':
      return dns1123Label(n);
    case 'dns1035-label':
      return dns1035Label(n);
    case 'path-segment':
      if (name === '.' || name === '..') return [`may not be '${name}'`];
      for (const bad of ['/', '%']) if (name.includes(bad)) return [`may not contain '${bad}'`];
      return [];
    default:
      return dns1123Subdomain(n);
  }
}

/**
 * Upstream name rules of built-in kinds whose names are not DNS-1123 subdomains, used
 * when a KindSpec leaves `nameFormat` unset (so declarations need not repeat them).
 */
const upstreamNameFormats: Readonly<Record<string, KindSpec['nameFormat']>> = {
  '/Namespace': 'dns1123-label',
  '/Service': 'dns1035-label',
  'rbac.authorization.k8s.io/Role': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRole': 'path-segment',
  'rbac.authorization.k8s.io/RoleBinding': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'path-segment',
};

/** The name rule that applies to a kind. */
export const nameFormatOf = (spec: KindSpec): NonNullable<KindSpec['nameFormat']> =>
  spec.nameFormat ?? upstreamNameFormats[`${spec.group}/${spec.kind}`] ?? 'dns1123-subdomain';

export function validateObjectMeta(spec: KindSpec, meta: Record<string, unknown>): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const format = nameFormatOf(spec);
  const path = 'metadata';
  const name = meta['name'];
  const generateName = meta['generateName'];
  if (typeof generateName === 'string' && generateName !== '') {
    for (const msg of nameProblems(format, generateName, true))
      errs.push(invalid(childPath(path, 'generateName'), generateName, msg));
  }
  if (name === undefined || name === null || name === '') {
    if (typeof generateName !== 'string' || generateName === '')
      errs.push(required(childPath(path, 'name'), 'name or generateName is required'));
  } else if (typeof name === 'string') {
    for (const msg of nameProblems(format, name)) errs.push(invalid(childPath(path, 'name'), name, msg));
  }

  const ns = meta['namespace'];
  if (typeof ns === 'string' && ns !== '') {
    if (!spec.namespaced) errs.push(forbidden(childPath(path, 'namespace'), 'not allowed on this type'));
    else for (const msg of dns1123Label(ns)) errs.push(invalid(childPath(path, 'namespace'), ns, msg));
  }

  const labels = meta['labels'];
  if (isPlainObject(labels)) {
    const p = childPath(path, 'labels');
    for (const [k, v] of Object.entries(labels)) {
      for (const msg of qualifiedName(k)) errs.push(invalid(p, k, msg));
      if (typeof v === 'string') for (const msg of labelValue(v)) errs.push(invalid(p, v, msg));
    }
  }

  const annotations = meta['annotations'];
  if (isPlainObject(annotations)) {
    const p = childPath(path, 'annotations');
    let size = 0;
    for (const [k, v] of Object.entries(annotations)) {
      for (const msg of qualifiedName(k.toLowerCase())) errs.push(invalid(p, k, msg));
      size += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    }
    if (size > ANNOTATIONS_MAX_BYTES) errs.push(tooLong(p, ANNOTATIONS_MAX_BYTES));
  }

  const finalizers = meta['finalizers'];
  if (Array.isArray(finalizers)) {
    finalizers.forEach((fin, i) => {
      if (typeof fin === 'string') for (const msg of qualifiedName(fin)) errs.push(invalid(indexPath(childPath(path, 'finalizers'), i), fin, msg));
    });
  }
  return errs;
}
