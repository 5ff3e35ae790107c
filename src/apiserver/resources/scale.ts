import { labelSelectorString } from '../../api/meta/v1/label-selector-eval.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { applyJsonPatch } from '../../machinery/json-patch.js';
import type { JsonValue } from '../../machinery/json-value.js';
import { applyMergePatch } from '../../machinery/merge-patch.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { parseJsonObject, readBody } from './body.js';
import { badRequest, conflict, OPTIMISTIC_LOCK_MESSAGE, unsupportedMediaType, statusError } from './errors.js';
import { parseMediaType } from './media-type.js';
import { cloneObject, metaOf } from './object-meta.js';
import { guaranteedUpdate, mustReadObject } from './object-store.js';
import { sendObject } from './respond.js';
import { carryOverOnUpdate } from './object-meta.js';
import { PATCH_TYPES } from './patch.js';
import { parseWriteOptions } from './write-options.js';

/** '.spec.replicas' → ['spec', 'replicas']. */
function pathOf(p: string): string[] {
  return p.replace(/^\./, '').split('.').filter(Boolean);
}

function getPath(obj: KubeObject, p: string): unknown {
  let cur: unknown = obj;
  for (const k of pathOf(p)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function setPath(obj: KubeObject, p: string, value: unknown): void {
  const keys = pathOf(p);
  let cur: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1] as string] = value;
}

/** The autoscaling/v1 Scale view of an object. */
export function toScale(spec: KindSpec, obj: KubeObject): KubeObject {
  const sc = spec.subresources?.scale as NonNullable<KindSpec['subresources']>['scale'];
  const m = obj.metadata ?? {};
  let selector = '';
  if (sc?.labelSelectorPath) {
    const v = getPath(obj, sc.labelSelectorPath);
    selector = typeof v === 'string' ? v : v && typeof v === 'object' ? labelSelectorString(v as never) : '';
  } else if (obj.spec?.selector && typeof obj.spec.selector === 'object') {
    const sel = obj.spec.selector as Record<string, unknown>;
    // A LabelSelector, or a plain label map (ReplicationController's spec.selector).
    selector = labelSelectorString('matchLabels' in sel || 'matchExpressions' in sel ? sel : { matchLabels: sel as Record<string, string> });
  }
  const replicas = getPath(obj, sc?.specReplicasPath ?? '.spec.replicas');
  const statusReplicas = getPath(obj, sc?.statusReplicasPath ?? '.status.replicas');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof replicas === 'number' ? replicas : 0 },
    status: { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0, ...(selector ? { selector } : {}) },
  };
}

/**
 * `<resource>/scale`: get, update (PUT a Scale) and patch (merge/json/strategic on the
 * Scale), mapped onto the object's spec replicas path; 409 on a stale resourceVersion.
 */
export async function handleScale(a: VerbArgs): Promise<void> {
  const { info, spec, ctx, req } = a;
  const name = info.name as string;
  const sc = spec.subresources?.scale;
  if (!sc) throw statusError(404, 'NotFound', 'the server could not find the requested resource', {});
  const respond = (obj: KubeObject, code = 200) => sendObject({ ...a, spec: { ...spec, kind: 'Scale', group: 'autoscaling', version: 'v1', printerColumns: [] } }, code, obj);
  if (info.verb === 'get') {
    const { obj } = await mustReadObject(ctx, spec, info.namespace, name);
    respond(toScale(spec, obj));
    return;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') {
    throw statusError(405, 'MethodNotAllowed', `${info.verb} is not supported on resources of kind "${spec.plural}/scale"`);
  }
  const opts = parseWriteOptions(info, req.headers['user-agent']);
  const text = (await readBody(req, ctx.maxBodyBytes)).toString('utf8');
  let patchType: string | undefined;
  let body: unknown;
  if (info.verb === 'patch') {
    patchType = parseMediaType(req.headers['content-type'] ?? '').type;
    if (!PATCH_TYPES.includes(patchType) || patchType === 'application/apply-patch+yaml') throw unsupportedMediaType(patchType, PATCH_TYPES.slice(0, 3));
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw badRequest(`error decoding patch: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else body = parseJsonObject(text);
  const r = await guaranteedUpdate(
    ctx,
    spec,
    info.namespace,
    name,
    (current) => {
      const cur = current as KubeObject;
      const scale = toScale(spec, cur);
      let desired: unknown;
      try {
        if (patchType === 'application/json-patch+json') desired = applyJsonPatch(scale as JsonValue, body);
        else if (patchType) desired = applyMergePatch(scale as JsonValue, body as JsonValue);
        else desired = body;
      } catch (err) {
        throw statusError(422, 'Invalid', err instanceof Error ? err.message : String(err));
      }
      const d = desired as KubeObject;
      const rv = d?.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata?.resourceVersion) throw conflict(spec, name, OPTIMISTIC_LOCK_MESSAGE);
      const replicas = d?.spec?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw statusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, {
          name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
        });
      }
      if (getPath(cur, sc.specReplicasPath) === replicas) return { action: 'none' };
      const next = cloneObject(cur);
      setPath(next, sc.specReplicasPath, replicas);
      delete metaOf(next).resourceVersion;
      carryOverOnUpdate(next, cur, spec);
      return { action: 'write', obj: next };
    },
    { dryRun: opts.dryRun },
  );
  respond(toScale(spec, r.obj));
}
