import type { KubeObject } from '../watch-cache/cached-object.js';
import { jsonEqual } from './object-meta.js';
import { statusError } from './errors.js';
import type { ApiError } from './errors.js';

/**
 * Server-side apply's field ownership on FieldsV1 sets (`{"f:spec":{"f:replicas":{}}}`):
 * conflicts between managers, forced takeover, and removal of fields a manager stopped
 * applying. A simplified model of structured-merge-diff: leaves are map fields and keyed
 * list items (`k:{"name":"x"}`); atomic lists are leaves as a whole.
 */

type FieldSet = Record<string, unknown>;
export type FieldPath = readonly string[];

/** Every leaf path of a set ('.' markers — "this list item exists" — are not leaves). */
export function leaves(set: unknown, prefix: string[] = []): string[][] {
  if (set === null || typeof set !== 'object') return [];
  const out: string[][] = [];
  for (const [k, v] of Object.entries(set as FieldSet)) {
    if (k === '.') continue;
    const children = v && typeof v === 'object' ? Object.keys(v as FieldSet).filter((c) => c !== '.') : [];
    if (children.length === 0) out.push([...prefix, k]);
    else out.push(...leaves(v, [...prefix, k]));
  }
  return out;
}

/** True when `path` is a leaf (or inside one) of `set`. */
export function owns(set: unknown, path: FieldPath): boolean {
  let cur: unknown = set;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return false;
    const next = (cur as FieldSet)[k];
    if (next === undefined) return false;
    const children = next && typeof next === 'object' ? Object.keys(next as FieldSet).filter((c) => c !== '.') : [];
    if (children.length === 0) return true;
    cur = next;
  }
  return false;
}

/** A copy of `set` without `path` (empty parents pruned). */
export function withoutPath(set: unknown, path: FieldPath): FieldSet {
  const copy = JSON.parse(JSON.stringify(set ?? {})) as FieldSet;
  const stack: FieldSet[] = [copy];
  let cur = copy;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur[path[i] as string];
    if (next === null || typeof next !== 'object') return copy;
    cur = next as FieldSet;
    stack.push(cur);
  }
  delete cur[path[path.length - 1] as string];
  for (let i = stack.length - 1; i > 0; i--) {
    const node = stack[i] as FieldSet;
    if (Object.keys(node).filter((k) => k !== '.').length === 0) delete (stack[i - 1] as FieldSet)[path[i - 1] as string];
  }
  return copy;
}

function step(value: unknown, k: string): { found: boolean; value?: unknown; parent?: unknown; index?: number | string } {
  if (k.startsWith('f:')) {
    const name = k.slice(2);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { found: false };
    const o = value as Record<string, unknown>;
    return Object.prototype.hasOwnProperty.call(o, name) ? { found: true, value: o[name], parent: o, index: name } : { found: false };
  }
  if (k.startsWith('k:')) {
    if (!Array.isArray(value)) return { found: false };
    let keys: Record<string, unknown>;
    try {
      keys = JSON.parse(k.slice(2)) as Record<string, unknown>;
    } catch {
      return { found: false };
    }
    const i = value.findIndex((item) => item && typeof item === 'object' && Object.entries(keys).every(([kk, kv]) => (item as Record<string, unknown>)[kk] === kv));
    return i < 0 ? { found: false } : { found: true, value: value[i], parent: value, index: i };
  }
  return { found: false };
}

/** The value at a field path in an object (undefined when absent). */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    const s = step(cur, k);
    if (!s.found) return undefined;
    cur = s.value;
  }
  return cur;
}

/** Removes the value at a field path from an object, in place. */
export function removeAt(obj: unknown, path: FieldPath): void {
  let cur: unknown = obj;
  for (let i = 0; i < path.length; i++) {
    const s = step(cur, path[i] as string);
    if (!s.found) return;
    if (i === path.length - 1) {
      if (Array.isArray(s.parent)) s.parent.splice(s.index as number, 1);
      else delete (s.parent as Record<string, unknown>)[s.index as string];
      return;
    }
    cur = s.value;
  }
}

/** `.spec.containers[name="main"].image`, as structured-merge-diff prints paths. */
export function renderPath(path: FieldPath): string {
  let out = '';
  for (const k of path) {
    if (k.startsWith('f:')) out += `.${k.slice(2)}`;
    else if (k.startsWith('k:')) {
      try {
        const keys = JSON.parse(k.slice(2)) as Record<string, unknown>;
        out += `[${Object.entries(keys).map(([kk, v]) => `${kk}=${JSON.stringify(v)}`).join(',')}]`;
      } catch {
        out += `[${k.slice(2)}]`;
      }
    } else out += `[${k}]`;
  }
  return out;
}

interface Entry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
  fieldsV1?: unknown;
  [k: string]: unknown;
}

export interface Conflict {
  manager: string;
  operation: string;
  apiVersion: string;
  path: string[];
}

/** The managers (other than the applier's Apply entry) owning a leaf of `applied` with a different live value. */
export function findConflicts(current: KubeObject, appliedSet: unknown, applied: KubeObject, manager: string): Conflict[] {
  const entries = (Array.isArray(current.metadata?.managedFields) ? current.metadata!.managedFields : []) as Entry[];
  const out: Conflict[] = [];
  for (const path of leaves(appliedSet)) {
    const want = valueAt(applied, path);
    const have = valueAt(current, path);
    if (have === undefined || jsonEqual(want, have)) continue;
    for (const e of entries) {
      if (e.manager === manager && e.operation === 'Apply') continue;
      if ((e.subresource ?? '') !== '') continue;
      if (owns(e.fieldsV1, path)) out.push({ manager: String(e.manager ?? ''), operation: String(e.operation ?? ''), apiVersion: String(e.apiVersion ?? ''), path });
    }
  }
  return out;
}

/** 409 Conflict in kube-apiserver's words: `Apply failed with 1 conflict: conflict with "x" using apps/v1: .spec.replicas`. */
export function conflictError(conflicts: Conflict[], kind: { plural: string; group: string }, name: string): ApiError {
  const lines = conflicts.map((c) => `conflict with "${c.manager}"${c.operation === 'Update' ? ` using ${c.apiVersion}` : ''}: ${renderPath(c.path)}`);
  const n = conflicts.length;
  return statusError(409, 'Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${lines.join('\n')}`, {
    name,
    ...(kind.group ? { group: kind.group } : {}),
    kind: kind.plural,
    causes: conflicts.map((c, i) => ({ reason: 'FieldManagerConflict', message: lines[i] as string, field: renderPath(c.path) })),
  });
}

/** Removes `paths` from every entry except `keep` (ownership taken over). Returns new entries. */
export function takeOwnership(entries: Entry[], paths: readonly FieldPath[], keep: (e: Entry) => boolean): Entry[] {
  if (paths.length === 0) return entries;
  const out: Entry[] = [];
  for (const e of entries) {
    if (keep(e)) {
      out.push(e);
      continue;
    }
    let set: unknown = e.fieldsV1;
    for (const p of paths) if (owns(set, p)) set = withoutPath(set, p);
    if (leaves(set).length === 0) continue; // a manager that owns nothing any more is dropped
    out.push({ ...e, fieldsV1: set });
  }
  return out;
}
