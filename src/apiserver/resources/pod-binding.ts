import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { badRequest, conflict, statusError } from './errors.js';
import { cloneObject, metaOf, rfc3339 } from './object-meta.js';
import { guaranteedUpdate } from './object-store.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendJson, successStatus } from './respond.js';

/**
 * POST pods/<name>/binding: assigns the pod to `target.name` (spec.nodeName) and marks
 * it PodScheduled; 409 if already bound, as the scheduler's Bind expects.
 */
export async function handleBinding(a: VerbArgs): Promise<void> {
  const { info, spec, ctx, req } = a;
  if (info.verb !== 'create') throw statusError(405, 'MethodNotAllowed', `${info.verb} is not supported on resources of kind "pods/binding"`);
  const name = info.name as string;
  // Protobuf Binding bodies need the Binding schema; without it only JSON/YAML are accepted.
  const bindingSpec = ctx.registry.byApiVersionKind('v1', 'Binding');
  const body = decodeBody(await readBody(req, ctx.maxBodyBytes), req.headers['content-type'], bindingSpec ?? { ...spec, kind: 'Binding' }, bindingSpec ? decodeProtobufBody : undefined);
  const node = body.target?.name;
  if (typeof node !== 'string' || node === '') throw badRequest('target.name: Required value');
  if (body.metadata?.name && body.metadata.name !== name) throw badRequest('metadata.name: the name of the binding does not match the pod');
  await guaranteedUpdate(ctx, spec, info.namespace, name, (current) => {
    const cur = current as KubeObject;
    if (cur.metadata?.deletionTimestamp) {
      throw conflict({ plural: 'pods/binding', group: '' }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
    }
    if (cur.spec?.nodeName) {
      throw conflict({ plural: 'pods/binding', group: '' }, name, `pod ${name} is already assigned to node "${String(cur.spec.nodeName)}"`);
    }
    const next = cloneObject(cur);
    delete metaOf(next).resourceVersion;
    next.spec = { ...(next.spec ?? {}), nodeName: node };
    const conditions = Array.isArray(next.status?.conditions) ? (next.status.conditions as Record<string, unknown>[]).filter((c) => c.type !== 'PodScheduled') : [];
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(ctx.now()) });
    next.status = { ...(next.status ?? {}), conditions };
    return { action: 'write', obj: next };
  });
  sendJson(a.res, 201, successStatus({}));
}
