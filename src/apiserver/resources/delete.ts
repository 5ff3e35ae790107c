import type { DeleteOptions } from '../../api/meta/v1/index.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { UserInfo } from '../types.js';
import type { ResourceContext, VerbArgs } from './context.js';
import { statusError } from './errors.js';
import { readDeleteOptions } from './delete-options.js';
import { cloneObject, metaOf, rfc3339 } from './object-meta.js';
import { guaranteedUpdate } from './object-store.js';
import { sendObject } from './respond.js';
import { bridgeOf } from './versions.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** What a delete did. */
export interface DeleteOutcome {
  /** The object: as deleted, or as it now waits (deletionTimestamp set). */
  obj: KubeObject;
  /** True when the object is gone from storage. */
  deleted: boolean;
}

function isPod(spec: KindSpec): boolean {
  return spec.group === '' && spec.plural === 'pods';
}

function isNamespace(spec: KindSpec): boolean {
  return spec.group === '' && spec.plural === 'namespaces';
}

/** A namespace's spec.finalizers (emptied by the namespace controller via /finalize). */
function namespaceFinalizers(obj: KubeObject): string[] {
  return Array.isArray(obj.spec?.finalizers) ? (obj.spec.finalizers as string[]) : [];
}

/**
 * The grace period a pod gets: the request's, else the pod's
 * terminationGracePeriodSeconds (30 by default); 0 when the pod never reached a node
 * or has finished (nothing to stop), as the pod registry does.
 */
function podGracePeriod(pod: KubeObject, requested: number | undefined): number {
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const g = requested ?? (typeof pod.spec?.terminationGracePeriodSeconds === 'number' ? pod.spec.terminationGracePeriodSeconds : 30);
  return g < 0 ? 1 : g;
}

/**
 * Whether an update left an object that must now go: deletion requested, no finalizers
 * left, and (pods) no grace period still running.
 */
export function shouldDeleteAfterUpdate(spec: KindSpec, obj: KubeObject): boolean {
  const m = obj.metadata ?? {};
  if (!m.deletionTimestamp) return false;
  if (Array.isArray(m.finalizers) && m.finalizers.length > 0) return false;
  if (isPod(spec) && obj.spec?.nodeName && (m.deletionGracePeriodSeconds ?? 0) > 0) return false;
  if (isNamespace(spec) && namespaceFinalizers(obj).length > 0) return false;
  return true;
}

/**
 * Deletes one object with Kubernetes' semantics: preconditions (409), propagation
 * finalizers (Orphan → `orphan`, Foreground → `foregroundDeletion`), finalizers keep the
 * object with deletionTimestamp set, pods on a node are deleted gracefully (the kubelet
 * finishes with grace 0), dry-run stores nothing.
 */
export async function deleteObject(
  ctx: ResourceContext,
  spec: KindSpec,
  namespace: string | undefined,
  name: string,
  opts: DeleteOptions,
  user: UserInfo,
): Promise<DeleteOutcome> {
  const dryRun = (opts.dryRun ?? []).includes('All');
  let admitted = false;
  const r = await guaranteedUpdate(
    ctx,
    spec,
    namespace,
    name,
    async (current) => {
      const cur = current as KubeObject;
      const m = cur.metadata ?? {};
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== m.uid) {
        throw statusError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(m.uid ?? '')}`, {
          name,
          ...(spec.group ? { group: spec.group } : {}),
          kind: spec.plural,
        });
      }
      if (pre?.resourceVersion && pre.resourceVersion !== m.resourceVersion) {
        throw statusError(
          409,
          'Conflict',
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(m.resourceVersion ?? '')}`,
          { name, ...(spec.group ? { group: spec.group } : {}), kind: spec.plural },
        );
      }
      if (!admitted) {
        await ctx.admission.admit({ operation: 'DELETE', spec, namespace, name, user, dryRun }, undefined, cur);
        admitted = true;
      }
      const next = cloneObject(cur);
      const nm = metaOf(next);
      delete nm.resourceVersion;
      let finalizers: string[] = Array.isArray(nm.finalizers) ? [...(nm.finalizers as string[])] : [];
      const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
      if (policy === 'Orphan' && !finalizers.includes(ORPHAN_FINALIZER)) {
        finalizers = [...finalizers.filter((f) => f !== FOREGROUND_FINALIZER), ORPHAN_FINALIZER];
      } else if (policy === 'Foreground' && !finalizers.includes(FOREGROUND_FINALIZER)) {
        finalizers = [...finalizers.filter((f) => f !== ORPHAN_FINALIZER), FOREGROUND_FINALIZER];
      } else if (policy === 'Background') {
        finalizers = finalizers.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
      }
      const now = ctx.now();
      let grace = 0;
      if (isPod(spec)) grace = podGracePeriod(cur, opts.gracePeriodSeconds);
      const nsFinalizers = isNamespace(spec) ? namespaceFinalizers(cur) : [];
      if (finalizers.length === 0 && grace === 0 && nsFinalizers.length === 0) return { action: 'delete' };
      if (isNamespace(spec)) next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      // The object stays for now: mark it as being deleted.
      if (finalizers.length > 0) nm.finalizers = finalizers;
      else delete nm.finalizers;
      if (grace > 0) {
        const prevGrace = typeof m.deletionGracePeriodSeconds === 'number' ? m.deletionGracePeriodSeconds : undefined;
        if (!m.deletionTimestamp || prevGrace === undefined || grace < prevGrace) {
          nm.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
          nm.deletionGracePeriodSeconds = grace;
        }
      } else {
        if (!m.deletionTimestamp) nm.deletionTimestamp = rfc3339(now);
        nm.deletionGracePeriodSeconds = 0;
      }
      const same =
        JSON.stringify(nm.finalizers ?? []) === JSON.stringify(m.finalizers ?? []) &&
        nm.deletionTimestamp === m.deletionTimestamp &&
        nm.deletionGracePeriodSeconds === m.deletionGracePeriodSeconds &&
        next.status?.phase === cur.status?.phase;
      if (same) return { action: 'none' };
      return { action: 'write', obj: next };
    },
    { dryRun },
  );
  return { obj: r.obj, deleted: r.deleted };
}

/** DELETE of one object. */
export async function handleDelete(a: VerbArgs): Promise<void> {
  const { info, spec, ctx } = a;
  const opts = await readDeleteOptions(a.req, info, ctx.maxBodyBytes);
  const out = await deleteObject(ctx, spec, info.namespace, info.name as string, opts, a.user);
  sendObject(a, 200, bridgeOf(a).toServed(out.obj));
}
