import { apiVersionOf } from '../../api/registry.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { patchMetaFor } from '../../api/schema/patch-meta.js';
import { applyJsonPatch } from '../../machinery/json-patch.js';
import type { JsonValue } from '../../machinery/json-value.js';
import { applyMergePatch } from '../../machinery/merge-patch.js';
import { PatchError } from '../../machinery/patch-error.js';
import { applyStrategicMergePatch } from '../../machinery/strategic-merge-patch.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { parseJsonObject, parseYamlObject, readBody } from './body.js';
import { ApiError, badRequest, conflict, OPTIMISTIC_LOCK_MESSAGE, unsupportedMediaType, statusError } from './errors.js';
import { shouldDeleteAfterUpdate } from './delete.js';
import { fieldSet } from './managed-fields.js';
import { conflictError, findConflicts, leaves, owns, removeAt } from './field-ownership.js';
import { parseMediaType } from './media-type.js';
import { cloneObject, metaOf, sameIgnoringTimes, stampCreate } from './object-meta.js';
import { guaranteedUpdate } from './object-store.js';
import { sendObject } from './respond.js';
import { prepareUpdate } from './update.js';
import { checkTypeMeta, handleUnknownFields, parseWriteOptions } from './write-options.js';
import { bridgeOf, recordManagerAs } from './versions.js';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

function patchTypeOf(contentType: string | undefined): PatchType {
  const t = parseMediaType(contentType ?? '').type;
  switch (t) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply';
    default:
      throw unsupportedMediaType(t, PATCH_TYPES);
  }
}

function patchFailure(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PatchError) {
    if (err.code === 400) return badRequest(err.message);
    if (err.code === 422) return statusError(422, 'Invalid', err.message);
    return statusError(500, 'InternalError', err.message);
  }
  return badRequest(err instanceof Error ? err.message : String(err));
}

/**
 * Applies a non-apply patch document to `current` and returns a new object sharing
 * nothing with it. The patch functions are pure (patch-purity.test.ts), so `current`,
 * which admission and the no-op check read afterwards, needs no copy first.
 */
function applyPatch(spec: KindSpec, type: PatchType, current: KubeObject, patch: unknown): KubeObject {
  let out: unknown;
  try {
    if (type === 'json') out = applyJsonPatch(current as JsonValue, patch);
    else if (type === 'merge') out = applyMergePatch(current as JsonValue, patch as JsonValue);
    else out = applyStrategicMergePatch(current as JsonValue, patch as JsonValue, patchMetaFor(spec.schema));
  } catch (err) {
    throw patchFailure(err);
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out)) throw statusError(422, 'Invalid', 'the patched object is not a JSON object');
  return out as KubeObject;
}

/**
 * PATCH: JSON patch, merge patch, strategic merge patch, or server-side apply
 * (apply-patch+yaml: creates the object when missing, records the manager, and applies
 * the configuration as a strategic merge). Retries on write conflicts, as Kubernetes.
 */
export async function handlePatch(a: VerbArgs): Promise<void> {
  const { info, spec, ctx, req } = a;
  const type = patchTypeOf(req.headers['content-type']);
  const opts = parseWriteOptions(info, req.headers['user-agent'], type === 'apply');
  const force = info.query.get('force') === 'true';
  if (info.query.has('force') && type !== 'apply') throw badRequest('force: Invalid value: true: may not be specified for non-apply patch');
  const text = (await readBody(req, ctx.maxBodyBytes)).toString('utf8');
  let patch: unknown;
  if (type === 'apply') patch = parseYamlObject(text);
  else if (type === 'json') {
    try {
      patch = JSON.parse(text);
    } catch (err) {
      throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else patch = parseJsonObject(text, 'patch');
  const name = info.name as string;
  const sub = info.subresource;
  if (type === 'apply') {
    const applied = patch as KubeObject;
    checkTypeMeta(applied, spec);
    const am = metaOf(applied);
    if (am.name !== undefined && am.name !== name) throw badRequest(`the name of the object (${String(am.name)}) does not match the name on the URL (${name})`);
    if (spec.namespaced && am.namespace !== undefined && am.namespace !== info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }
  const warnings: string[] = [];
  // Patches apply to the object in the request's version (`view`); the result is stored
  // in the storage version (`current`'s).
  const bridge = bridgeOf(a);
  const result = await guaranteedUpdate(
    ctx,
    spec,
    info.namespace,
    name,
    async (stored) => {
      warnings.length = 0;
      const now = ctx.now();
      const apiVersion = apiVersionOf(spec);
      if (!stored) {
        // Only server-side apply gets here (createIfMissing).
        const served = cloneObject(patch as KubeObject);
        const m = metaOf(served);
        m.name = name;
        if (spec.namespaced) m.namespace = info.namespace;
        warnings.push(...handleUnknownFields(served, spec, opts.fieldValidation));
        stampCreate(served, spec, { now, uid: ctx.newUid() });
        const obj = bridge.toStorage(served);
        warnings.push(...(await ctx.admission.admit({ operation: 'CREATE', spec: bridge.storage, namespace: info.namespace, name, user: a.user, dryRun: opts.dryRun }, obj, undefined)));
        recordManagerAs(bridge, obj, undefined, { manager: opts.fieldManager, operation: 'Apply', apiVersion, now, applied: patch as KubeObject });
        return { action: 'write', obj };
      }
      const current = bridge.stored(stored);
      const view = bridge.toServed(current);
      const curRv = current.metadata?.resourceVersion;
      let patched: KubeObject;
      let forced: string[][] = [];
      if (type === 'apply') {
        const applied = cloneObject(patch as KubeObject);
        delete metaOf(applied).managedFields;
        const appliedSet = fieldSet(applied);
        const conflicts = findConflicts(view, appliedSet, applied, opts.fieldManager);
        if (conflicts.length > 0 && !force) throw conflictError(conflicts, spec, name);
        forced = conflicts.map((c) => c.path);
        patched = applyPatch(spec, 'strategic', view, applied);
        // Fields this manager applied before but no longer does, and nobody else owns, go.
        const entries = (Array.isArray(view.metadata?.managedFields) ? view.metadata!.managedFields : []) as Record<string, unknown>[];
        const mine = entries.find((e) => e.manager === opts.fieldManager && e.operation === 'Apply' && !e.subresource);
        for (const path of mine ? leaves(mine.fieldsV1) : []) {
          if (owns(appliedSet, path)) continue;
          if (entries.some((e) => e !== mine && owns(e.fieldsV1, path))) continue;
          removeAt(patched, path);
        }
      } else patched = applyPatch(spec, type, view, patch);
      if (patched.apiVersion !== apiVersion || patched.kind !== spec.kind) checkTypeMeta(patched, spec);
      const pm = metaOf(patched);
      const rv = pm.resourceVersion;
      if (rv !== undefined && rv !== '' && rv !== curRv) throw conflict(spec, name, OPTIMISTIC_LOCK_MESSAGE);
      if (pm.name !== name) throw badRequest(`metadata.name: Invalid value: "${String(pm.name)}": field is immutable`);
      if (spec.namespaced && pm.namespace !== info.namespace) throw badRequest(`metadata.namespace: Invalid value: "${String(pm.namespace)}": field is immutable`);
      warnings.push(...handleUnknownFields(patched, spec, opts.fieldValidation));
      const next = prepareUpdate(bridge.storage, bridge.toStorage(patched), current, sub);
      delete metaOf(next).resourceVersion;
      warnings.push(
        ...(await ctx.admission.admit(
          { operation: 'UPDATE', spec: bridge.storage, ...(sub ? { subresource: sub } : {}), namespace: info.namespace, name, user: a.user, dryRun: opts.dryRun },
          next,
          current,
        )),
      );
      recordManagerAs(bridge, next, current, {
        manager: opts.fieldManager,
        operation: type === 'apply' ? 'Apply' : 'Update',
        apiVersion,
        now,
        ...(sub ? { subresource: sub } : {}),
        ...(type === 'apply' ? { applied: patch as KubeObject, forced } : {}),
      });
      if (shouldDeleteAfterUpdate(spec, next)) return { action: 'delete' };
      const { resourceVersion: _r, ...curMeta } = current.metadata ?? {};
      void _r;
      if (sameIgnoringTimes(next, { ...current, metadata: curMeta })) {
        return { action: 'none' };
      }
      return { action: 'write', obj: next };
    },
    { createIfMissing: type === 'apply' && !sub, dryRun: opts.dryRun },
  );
  sendObject(a, result.created ? 201 : 200, bridge.toServed(result.obj), warnings);
}
