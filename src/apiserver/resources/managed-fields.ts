import { apiVersionOf } from '../../api/registry.js';
import { applyDefaults } from '../../api/schema/index.js';
import { memoize } from '../../machinery/memo.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { jsonEqual, metaOf, rfc3339 } from './object-meta.js';
import { leaves, takeOwnership } from './field-ownership.js';

/**
 * A simplified `metadata.managedFields` bookkeeping: each write records which manager
 * touched which fields (FieldsV1 sets), Update entries for ordinary writes and Apply
 * entries for server-side apply. Field-ownership conflicts are not computed.
 */

type FieldSet = Record<string, unknown>;

const SKIP_TOP = new Set(['apiVersion', 'kind']);
const SERVER_META = new Set(['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

/** Fields that identify a list item, in the order they are tried. */
const LIST_KEYS = ['name', 'containerPort', 'type', 'uid', 'key', 'ip', 'mountPath', 'port'];

function listKey(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  for (const k of LIST_KEYS) {
    const v = o[k];
    // The text JSON.stringify({ [k]: v }) gives, without building the object.
    if (typeof v === 'string' || typeof v === 'number') return `k:{${JSON.stringify(k)}:${JSON.stringify(v)}}`;
  }
  return undefined;
}

/** The FieldsV1 set of a value; with `old`, only the parts that differ from it. */
export function fieldSet(value: unknown, old?: unknown, top = true): FieldSet {
  const out: FieldSet = {};
  addFields(out, value, old, top);
  return out;
}

/** Adds `value`'s set to `out` (one object per level, no intermediate copies). */
function addFields(out: FieldSet, value: unknown, old: unknown, top: boolean): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) {
      const k = listKey(item);
      if (k === undefined) continue;
      const sub: FieldSet = { '.': {} };
      addFields(sub, item, undefined, false);
      out[k] = sub;
    }
    return;
  }
  const o = value as Record<string, unknown>;
  const prev = old !== null && typeof old === 'object' && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (top && SKIP_TOP.has(k)) continue;
    if (top && k === 'metadata' && v && typeof v === 'object') {
      const sub: FieldSet = {};
      addMetadataFields(sub, v as Record<string, unknown>, prev?.metadata);
      if (hasKeys(sub)) out['f:metadata'] = sub;
      continue;
    }
    if (prev && jsonEqual(v, prev[k])) continue;
    const sub: FieldSet = {};
    if (v !== null && typeof v === 'object') addFields(sub, v, Array.isArray(v) ? undefined : prev?.[k], false);
    out[fieldKey(k)] = sub;
  }
}

/** `f:<name>`, the same string each time (a fresh one would be hashed again as a property key). */
const fieldKey = memoize((name: string) => `f:${name}`);

/** Metadata's set: what clients own (not the server's fields, nor name and namespace). */
function addMetadataFields(out: FieldSet, meta: Record<string, unknown>, old: unknown): void {
  // No prototype: a JSON key "__proto__" is then an ordinary own key, as in the object.
  const client: Record<string, unknown> = Object.create(null);
  for (const mk of Object.keys(meta)) if (!SERVER_META.has(mk) && mk !== 'name' && mk !== 'namespace') client[mk] = meta[mk];
  addFields(out, client, old, false);
}

function hasKeys(o: object): boolean {
  for (const _k in o) return true;
  return false;
}

/**
 * Records a write by `manager` in `obj.metadata.managedFields` (replacing its previous
 * entry of the same operation and subresource). Nothing is recorded when nothing changed.
 */
export function recordManager(
  obj: KubeObject,
  old: KubeObject | undefined,
  opts: {
    manager: string;
    operation: 'Apply' | 'Update';
    apiVersion: string;
    now: Date;
    subresource?: string;
    applied?: KubeObject;
    /** Paths an apply with force=true took over from other managers. */
    forced?: readonly (readonly string[])[];
  },
): void {
  const meta = metaOf(obj);
  const entries: Record<string, unknown>[] = Array.isArray(meta.managedFields)
    ? (meta.managedFields as unknown[]).filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
    : old && Array.isArray(old.metadata?.managedFields)
      ? [...(old.metadata!.managedFields as Record<string, unknown>[])]
      : [];
  const fields = opts.operation === 'Apply' ? fieldSet(opts.applied ?? obj) : fieldSet(obj, old);
  if (opts.operation === 'Update' && !hasKeys(fields)) {
    if (entries.length > 0) meta.managedFields = entries;
    return;
  }
  // As upstream's manager identifier: an Update entry is per API version too (an Apply is not).
  const same = (e: Record<string, unknown>) =>
    e.manager === opts.manager &&
    e.operation === opts.operation &&
    (e.subresource ?? '') === (opts.subresource ?? '') &&
    (opts.operation === 'Apply' || e.apiVersion === undefined || e.apiVersion === opts.apiVersion);
  // An update takes ownership of what it changed; a forced apply of what it overrode.
  // (With no other entries there is nobody to take from: skip listing the leaves.)
  const taken = entries.length === 0 ? [] : opts.operation === 'Update' ? leaves(fields) : [...(opts.forced ?? [])];
  const others = takeOwnership(entries as never, taken, (e) => same(e as Record<string, unknown>)) as Record<string, unknown>[];
  entries.splice(0, entries.length, ...others);
  const prev = entries.find(same);
  let merged: FieldSet = fields;
  if (prev && opts.operation === 'Update' && prev.fieldsV1 && typeof prev.fieldsV1 === 'object') {
    merged = mergeSets(prev.fieldsV1 as FieldSet, fields);
  }
  const entry: Record<string, unknown> = {
    manager: opts.manager,
    operation: opts.operation,
    apiVersion: opts.apiVersion,
    time: rfc3339(opts.now),
    fieldsType: 'FieldsV1',
    fieldsV1: merged,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  };
  meta.managedFields = [...entries.filter((e) => !same(e)), entry];
}

function mergeSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = out[k];
    out[k] = av && typeof av === 'object' && v && typeof v === 'object' ? mergeSets(av as FieldSet, v as FieldSet) : v;
  }
  return out;
}

/** The manager name when the request names none: the user agent's product, as Kubernetes does. */
export function defaultManager(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').split('/')[0]?.trim() ?? '';
  return ua.slice(0, 128) || 'unknown';
}

/**
 * Records the creating manager's fields, as kube-apiserver does: after the kind's
 * defaults (applied when the body is decoded there) and before admission, so what
 * admission and the strategy add (default tolerations, priority, status, a ClusterIP)
 * is not owned by the client that created the object.
 */
export function recordCreator(spec: KindSpec, obj: KubeObject, manager: string, now: Date): void {
  applyDefaults(spec, obj);
  // Status is a reset field of kinds with a status subresource (the strategy replaces it):
  // nobody owns it through the main resource. The copy shares obj's metadata, where the entry goes.
  const { status: _status, ...owned } = obj;
  void _status;
  recordManager(spec.subresources?.status ? owned : obj, undefined, { manager, operation: 'Update', apiVersion: apiVersionOf(spec), now });
}
