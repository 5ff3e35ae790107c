import { apiVersionOf } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { badRequest, conflict, notFound, OPTIMISTIC_LOCK_MESSAGE } from './errors.js';
import { recordCreator } from './managed-fields.js';
import { carryOverOnUpdate, cloneObject, metaOf, sameIgnoringTimes, stampCreate } from './object-meta.js';
import { guaranteedUpdate } from './object-store.js';
import { shouldDeleteAfterUpdate } from './delete.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendObject } from './respond.js';
import { checkNamespace, checkTypeMeta, handleUnknownFields, parseWriteOptions, type WriteOptions } from './write-options.js';
import { bridgeOf, recordManagerAs } from './versions.js';

/** Kinds whose create-on-update is allowed (PUT to a missing name creates it), as Kubernetes. */
const CREATE_ON_UPDATE = new Set(['/endpoints', 'coordination.k8s.io/leases', '/events', 'events.k8s.io/events']);

/**
 * Shapes `desired` for storage over `current`: on the main resource, status (when the
 * kind has a status subresource) is kept from `current`; on `/status`, everything but
 * status is. Server-owned metadata is carried over and generation bumped on spec changes.
 */
export function prepareUpdate(spec: KindSpec, desired: KubeObject, current: KubeObject, subresource: string | undefined): KubeObject {
  let next = desired;
  if (subresource === 'finalize') {
    // namespaces/finalize: only spec.finalizers changes.
    next = cloneObject(current);
    next.spec = { ...(next.spec ?? {}), finalizers: Array.isArray(desired.spec?.finalizers) ? desired.spec.finalizers : [] };
    metaOf(next).resourceVersion = desired.metadata?.resourceVersion;
  } else if (subresource === 'status') {
    // Copy all but the stored status, which is replaced (and is most of a pod); the
    // placeholder keeps status where it was in the key order.
    next = cloneObject({ ...current, status: 0 });
    if (desired.status === undefined) delete next.status;
    else next.status = desired.status;
    // Status writers may not change metadata other than what they carry for concurrency.
    metaOf(next).resourceVersion = desired.metadata?.resourceVersion;
  } else if (subresource === 'approval') {
    // certificatesigningrequests/approval: only status.conditions changes.
    next = cloneObject(current);
    next.status = { ...(next.status ?? {}), conditions: Array.isArray(desired.status?.conditions) ? desired.status.conditions : [] };
    metaOf(next).resourceVersion = desired.metadata?.resourceVersion;
  } else if (spec.subresources?.status) {
    if (current.status === undefined) delete next.status;
    else next.status = cloneObject(current.status);
  }
  carryOverOnUpdate(next, current, spec);
  return next;
}

/**
 * Stores `desired` as the new state of an existing object: optimistic concurrency on
 * `metadata.resourceVersion` (409 when stale, unconditional when empty), admission,
 * managed fields. Shared by PUT and the subresources that replace objects. `desired` is
 * in the request's version; the object returned is in the stored one.
 */
export async function updateObject(
  a: VerbArgs,
  desired: KubeObject,
  opts: WriteOptions,
  subresource: string | undefined,
): Promise<{ obj: KubeObject; created: boolean; warnings: string[] }> {
  const { info, spec, ctx } = a;
  const bridge = bridgeOf(a);
  const name = info.name as string;
  const warnings: string[] = [];
  const allowCreate = !subresource && CREATE_ON_UPDATE.has(`${spec.group}/${spec.plural}`);
  const requestedRv = desired.metadata?.resourceVersion;
  const result = await guaranteedUpdate(
    ctx,
    spec,
    info.namespace,
    name,
    async (stored) => {
      const now = ctx.now();
      if (!stored) {
        if (!allowCreate) throw notFound(spec, name);
        const served = cloneObject(desired);
        stampCreate(served, spec, { now, uid: ctx.newUid() });
        recordCreator(spec, served, opts.fieldManager, now);
        const obj = bridge.toStorage(served);
        warnings.push(...(await ctx.admission.admit({ operation: 'CREATE', spec: bridge.storage, namespace: info.namespace, name, user: a.user, dryRun: opts.dryRun, defaulted: !bridge.converts }, obj, undefined)));
        return { action: 'write', obj };
      }
      const current = bridge.stored(stored);
      if (requestedRv !== undefined && requestedRv !== '' && String(requestedRv) !== current.metadata?.resourceVersion) {
        throw conflict(spec, name, OPTIMISTIC_LOCK_MESSAGE);
      }
      const next = prepareUpdate(bridge.storage, bridge.toStorage(cloneObject(desired)), current, subresource);
      delete metaOf(next).resourceVersion;
      const w = await ctx.admission.admit(
        { operation: 'UPDATE', spec: bridge.storage, ...(subresource ? { subresource } : {}), namespace: info.namespace, name, user: a.user, dryRun: opts.dryRun },
        next,
        current,
      );
      warnings.push(...w);
      recordManagerAs(bridge, next, current, { manager: opts.fieldManager, operation: 'Update', apiVersion: apiVersionOf(spec), now, ...(subresource ? { subresource } : {}) });
      const { resourceVersion: _cur, ...curMeta } = current.metadata ?? {};
      void _cur;
      if (shouldDeleteAfterUpdate(spec, next)) return { action: 'delete' };
      if (sameIgnoringTimes(next, { ...current, metadata: curMeta })) {
        return { action: 'none' };
      }
      return { action: 'write', obj: next };
    },
    { createIfMissing: allowCreate, dryRun: opts.dryRun },
  );
  return { obj: result.obj, created: result.created, warnings };
}

/** PUT: replaces an object (or its status). */
export async function handleUpdate(a: VerbArgs): Promise<void> {
  const { info, spec, ctx, req } = a;
  const opts = parseWriteOptions(info, req.headers['user-agent']);
  const body = await readBody(req, ctx.maxBodyBytes);
  const obj = decodeBody(body, req.headers['content-type'], spec, decodeProtobufBody);
  checkTypeMeta(obj, spec);
  checkNamespace(obj, spec, info.namespace);
  const meta = metaOf(obj);
  if (meta.name !== undefined && meta.name !== info.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${info.name})`);
  }
  meta.name = info.name;
  const warnings = handleUnknownFields(obj, spec, opts.fieldValidation, true);
  const r = await updateObject(a, obj, opts, info.subresource);
  sendObject(a, r.created ? 201 : 200, bridgeOf(a).toServed(r.obj), [...warnings, ...r.warnings]);
}
