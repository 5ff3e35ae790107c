import type { KindSpec } from '../../api/schema/dsl.js';
import { pruneUnknownFields, unknownFieldMessage } from '../../api/schema/index.js';
import { apiVersionOf } from '../../api/registry.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { RequestInfo } from '../types.js';
import { badRequest } from './errors.js';
import { defaultManager } from './managed-fields.js';
import { metaOf } from './object-meta.js';

/** Query options shared by create, update and patch. */
export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: 'Strict' | 'Warn' | 'Ignore';
}

/** Parses dryRun, fieldManager and fieldValidation (400 on values Kubernetes rejects). */
export function parseWriteOptions(info: RequestInfo, userAgent: string | undefined, fieldManagerRequired = false): WriteOptions {
  const dry = info.query.getAll('dryRun');
  for (const d of dry) {
    if (d !== 'All') throw badRequest(`dryRun: Unsupported value: "${d}": supported values: "All"`);
  }
  const fm = info.query.get('fieldManager');
  if (fm !== null && fm.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
  if (fieldManagerRequired && !fm) throw badRequest('fieldManager: Required value: is required for apply patch');
  const fv = info.query.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  }
  return { dryRun: dry.length > 0, fieldManager: fm || defaultManager(userAgent), fieldValidation: fv };
}

/**
 * Checks apiVersion/kind of a body against the URL's kind (400 on mismatch) and fills
 * them in when absent.
 */
export function checkTypeMeta(obj: KubeObject, spec: KindSpec): void {
  const want = apiVersionOf(spec);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${want})`);
  }
  if (obj.kind !== undefined && obj.kind !== spec.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${spec.kind})`);
  }
  obj.apiVersion = want;
  obj.kind = spec.kind;
}

/** Sets or checks the body's namespace against the URL's (400 on mismatch). */
export function checkNamespace(obj: KubeObject, spec: KindSpec, namespace: string | undefined): void {
  const meta = metaOf(obj);
  if (!spec.namespaced) {
    delete meta.namespace;
    return;
  }
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (namespace) meta.namespace = namespace;
}

/**
 * Removes fields the schema does not know; Strict → 400 `strict decoding error: …`,
 * Warn → the warnings to send, Ignore → nothing. A body decoded whole (create, update)
 * names its kind in the error, as upstream's decoder does: `ConfigMap in version "v1"
 * cannot be handled as a ConfigMap: strict decoding error: …`; a patch does not.
 */
export function handleUnknownFields(obj: KubeObject, spec: KindSpec, mode: WriteOptions['fieldValidation'], decodedBody = false): string[] {
  const unknown = pruneUnknownFields(spec, obj);
  if (unknown.length === 0 || mode === 'Ignore') return [];
  const msgs = unknown.map(unknownFieldMessage);
  if (mode === 'Strict') {
    const prefix = decodedBody ? `${spec.kind} in version "${spec.version}" cannot be handled as a ${spec.kind}: ` : '';
    throw badRequest(`${prefix}strict decoding error: ${msgs.join(', ')}`);
  }
  return msgs;
}
