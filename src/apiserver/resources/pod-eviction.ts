import { LabelSelector } from '../../machinery/label-selector.js';
import { EvictionKind } from '../../api/policy/v1/pod-disruption-budget.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { deleteObject } from './delete.js';
import { badRequest, tooManyRequests, statusError } from './errors.js';
import { listPrefix } from './keys.js';
import { mustReadObject } from './object-store.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendJson, successStatus } from './respond.js';

function scaled(v: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function isHealthy(pod: KubeObject): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (pod.status?.phase !== 'Running') return false;
  const ready = (pod.status?.conditions as { type?: string; status?: string }[] | undefined)?.find((c) => c.type === 'Ready');
  return ready ? ready.status === 'True' : true;
}

/**
 * POST pods/<name>/eviction (policy/v1 Eviction): deletes the pod unless a
 * PodDisruptionBudget selecting it would be violated (429 TooManyRequests, as
 * Kubernetes). Budgets are checked from the live pods: minAvailable (count or %), or
 * maxUnavailable (count or %).
 */
export async function handleEviction(a: VerbArgs): Promise<void> {
  const { info, spec, ctx, req } = a;
  if (info.verb !== 'create') throw statusError(405, 'MethodNotAllowed', `${info.verb} is not supported on resources of kind "pods/eviction"`);
  const name = info.name as string;
  const evictionSpec = ctx.registry.byApiVersionKind('policy/v1', 'Eviction') ?? EvictionKind;
  const body = decodeBody(await readBody(req, ctx.maxBodyBytes), req.headers['content-type'], evictionSpec, decodeProtobufBody);
  if (body.metadata?.name && body.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  const { obj: pod } = await mustReadObject(ctx, spec, info.namespace, name);
  const pdbSpec = ctx.registry.byGroupVersionResource('policy', 'v1', 'poddisruptionbudgets');
  const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' || pod.status?.phase === 'Pending';
  if (pdbSpec && !terminal) {
    await ctx.cache.syncWithStore(ctx.consistentReadTimeoutMs);
    const pdbs = ctx.cache.resource(listPrefix(pdbSpec)).list(listPrefix(pdbSpec, info.namespace));
    const pods = ctx.cache.resource(listPrefix(spec)).list(listPrefix(spec, info.namespace)).map((o) => o.obj);
    const labels = (pod.metadata?.labels ?? {}) as Record<string, string>;
    for (const { obj: pdb } of pdbs) {
      let sel: LabelSelector;
      try {
        sel = LabelSelector.fromObject(pdb.spec?.selector);
      } catch {
        continue;
      }
      if (!sel.matches(labels)) continue;
      const matching = pods.filter((p) => sel.matches((p.metadata?.labels ?? {}) as Record<string, string>));
      const expected = matching.length;
      const healthy = matching.filter(isHealthy).length;
      let allowed: number;
      let needs: number;
      if (pdb.spec?.maxUnavailable !== undefined) {
        const maxUn = scaled(pdb.spec.maxUnavailable, expected, true) ?? 0;
        needs = expected - maxUn;
        allowed = healthy - needs;
      } else {
        needs = scaled(pdb.spec?.minAvailable ?? 1, expected, true) ?? 1;
        allowed = healthy - needs;
      }
      if (isHealthy(pod) && allowed < 1) {
        // No Retry-After, as upstream: kubectl drain retries every 5 s up to its --timeout,
        // while a Retry-After would make client-go retry inside each eviction call.
        const err = tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0);
        err.status.details = {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${String(pdb.metadata?.name)} needs ${needs} healthy pods and has ${healthy} currently` }],
        };
        throw err;
      }
    }
  }
  await deleteObject(ctx, spec, info.namespace, name, (body.deleteOptions ?? {}) as never, a.user);
  sendJson(a.res, 201, successStatus({}));
}
