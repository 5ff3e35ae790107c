import type { KindSpec } from '../../api/schema/dsl.js';
import type { KubeObject } from '../watch-cache/cached-object.js';

/**
 * Server-owned metadata: what the API server sets on create and carries over on update,
 * whatever the client sent (uid, creationTimestamp, generation, deletion state).
 */

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339(d: Date): string {
  // Every write stamps the current second, often more than once: remember the last one.
  const second = Math.floor(d.getTime() / 1000);
  if (second === lastSecond) return lastText;
  const iso = d.toISOString(); // throws on an invalid date, as before
  // YYYY-MM-DDTHH:mm:ss.sssZ (years 0–9999) is the common case; a slice beats the regex.
  lastText = iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
  lastSecond = second;
  return lastText;
}

let lastSecond = NaN;
let lastText = '';

/** The object's metadata, created empty if missing. */
export function metaOf(obj: KubeObject): Record<string, any> {
  if (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) obj.metadata = {};
  return obj.metadata as Record<string, any>;
}

/** Fills the fields the server owns on a new object. */
export function stampCreate(obj: KubeObject, spec: KindSpec, opts: { now: Date; uid: string }): void {
  const m = metaOf(obj);
  m.uid = opts.uid;
  m.creationTimestamp = rfc3339(opts.now);
  delete m.resourceVersion;
  delete m.selfLink;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  if (spec.hasGeneration) m.generation = 1;
  else delete m.generation;
  omitEmptyLists(m);
}

/**
 * Drops empty `finalizers` and `ownerReferences`: Go's encoding of ObjectMeta leaves them
 * out (omitempty), so a patch that removes the last entry leaves no `[]` behind upstream.
 */
function omitEmptyLists(m: Record<string, any>): void {
  if (Array.isArray(m.finalizers) && m.finalizers.length === 0) delete m.finalizers;
  if (Array.isArray(m.ownerReferences) && m.ownerReferences.length === 0) delete m.ownerReferences;
}

/**
 * Carries the server-owned fields of `old` into `obj` (an update), and bumps
 * `generation` when anything but metadata and status changed (kinds with generation).
 */
export function carryOverOnUpdate(obj: KubeObject, old: KubeObject, spec: KindSpec): void {
  const m = metaOf(obj);
  const om = (old.metadata ?? {}) as Record<string, any>;
  for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if (om[k] === undefined) delete m[k];
    else m[k] = om[k];
  }
  delete m.selfLink;
  if (spec.hasGeneration) {
    const prev = typeof om.generation === 'number' ? om.generation : 1;
    m.generation = specChanged(obj, old) ? prev + 1 : prev;
  } else if (om.generation === undefined) delete m.generation;
  else m.generation = om.generation;
  omitEmptyLists(m);
}

/** True when anything other than metadata and status differs. */
export function specChanged(a: KubeObject, b: KubeObject): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'metadata' || k === 'status' || k === 'apiVersion' || k === 'kind') continue;
    if (!jsonEqual(a[k], b[k])) return true;
  }
  return false;
}

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !jsonEqual(ao[k], bo[k])) return false;
  }
  return true;
}

/** A deep copy of a JSON object (cache entries are shared and must not be changed). */
export function cloneObject<T>(obj: T): T {
  return JSON.parse(JSON.stringify(obj)) as T;
}

/**
 * True when two versions of an object differ in nothing but managedFields timestamps: such
 * a write would change nothing a client can see, so it is not stored (no new revision).
 */
export function sameIgnoringTimes(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const mf = o.metadata?.managedFields;
    const meta = { ...(o.metadata ?? {}) };
    if (Array.isArray(mf)) meta.managedFields = mf.map((e: Record<string, unknown>) => ({ ...e, time: undefined }));
    return { ...o, metadata: meta };
  };
  return jsonEqual(strip(a), strip(b));
}
