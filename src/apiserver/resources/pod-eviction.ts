import { LabelSelector } from '../../machinery/label-selector.js';
import { EvictionKind } from '../../api/policy/v1/pod-disruption-budget.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { decodeBody, readBody } from './body.js';
import { deleteObject } from './delete.js';
import { badRequest, forbidden, notFound, tooManyRequests, statusError, type ApiError } from './errors.js';
import { listPrefix } from './keys.js';
import { guaranteedUpdate, mustReadObject } from './object-store.js';
import type { KindSpec } from '../../api/schema/dsl.js';
import { rfc3339 } from '../../client/micro-time.js';
import { decodeProtobufBody } from './protobuf-body.js';
import { sendJson, successStatus } from './respond.js';

const DENIED = "Cannot evict pod as it would violate the pod's disruption budget.";
/** Upstream's MaxDisruptedPodSize: evictions the disruption controller has not yet confirmed. */
const MAX_DISRUPTED_PODS = 2000;

function isReady(pod: KubeObject): boolean {
  const ready = (pod.status?.conditions as { type?: string; status?: string }[] | undefined)?.find((c) => c.type === 'Ready');
  return ready?.status === 'True';
}

/** A pod whose deletion cannot disrupt anything (upstream's canIgnorePDB). */
function canIgnoreBudgets(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || Boolean(pod.metadata?.deletionTimestamp);
}

/** 429 TooManyRequests without Retry-After (kubectl drain retries on its own every 5 s, up to its --timeout). */
function denied(cause: string): ApiError {
  const err = tooManyRequests(DENIED, 0);
  err.status.details = { causes: [{ reason: 'DisruptionBudget', message: cause }] };
  return err;
}

/**
 * POST pods/<name>/eviction (policy/v1 Eviction), as upstream's eviction REST: deletes the
 * pod unless the PodDisruptionBudget selecting it (at most one; a selector that selects
 * nothing is ignored) has no disruption left in its status, which the disruption
 * controller keeps. An allowed eviction of a ready pod takes one disruption from the
 * status and records the pod in `disruptedPods`, with a compare-and-swap write, before
 * the pod is deleted: two concurrent evictions cannot both spend the last one. An unready
 * pod goes without spending one when the budget is healthy or its
 * unhealthyPodEvictionPolicy is AlwaysAllow.
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
  const dryRun = Array.isArray(body.deleteOptions?.dryRun) && body.deleteOptions.dryRun.includes('All');
  if (pdbSpec && !canIgnoreBudgets(pod)) {
    await ctx.cache.syncWithStore(ctx.consistentReadTimeoutMs);
    const labels = (pod.metadata?.labels ?? {}) as Record<string, string>;
    const pdbs = ctx.cache
      .resource(listPrefix(pdbSpec))
      .list(listPrefix(pdbSpec, info.namespace))
      .map((o) => o.obj)
      .filter((pdb) => selects(pdb.spec?.selector, labels));
    if (pdbs.length > 1) throw statusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const pdb = pdbs[0];
    if (pdb) await spendDisruption(a, pdbSpec, pdb, pod, dryRun);
  }
  await deleteObject(ctx, spec, info.namespace, name, (body.deleteOptions ?? {}) as never, a.user);
  sendJson(a.res, 201, successStatus({}));
}

/** Whether a budget's selector selects these labels; an empty or unreadable one selects nothing. */
function selects(selector: unknown, labels: Record<string, string>): boolean {
  let sel: LabelSelector;
  try {
    sel = LabelSelector.fromObject(selector as never);
  } catch {
    return false;
  }
  return !sel.isEmpty() && sel.matches(labels);
}

/** Upstream's checkAndDecrement (after the unready-pod shortcuts): throws when the budget says no. */
async function spendDisruption(a: VerbArgs, pdbSpec: KindSpec, seen: KubeObject, pod: KubeObject, dryRun: boolean): Promise<void> {
  const podName = String(pod.metadata?.name ?? '');
  const pdbName = String(seen.metadata?.name ?? '');
  await guaranteedUpdate(a.ctx, pdbSpec, a.info.namespace, pdbName, (pdb) => {
    if (!pdb) throw notFound(pdbSpec, pdbName);
    const status = (pdb.status ?? {}) as Record<string, any>;
    const unready = !isReady(pod);
    if (unready && pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { action: 'none' };
    const healthy = Number(status.currentHealthy ?? 0);
    const desired = Number(status.desiredHealthy ?? 0);
    if (unready && healthy >= desired && desired > 0) return { action: 'none' };
    if (Number(status.observedGeneration ?? 0) < Number(pdb.metadata?.generation ?? 0)) throw denied(`The disruption budget ${pdbName} is still being processed by the server.`);
    const allowed = Number(status.disruptionsAllowed ?? 0);
    if (allowed < 0) throw forbidden(pdbSpec, pdbName, 'pdb disruptions allowed is negative');
    if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) throw forbidden(pdbSpec, pdbName, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    if (allowed === 0) throw denied(`The disruption budget ${pdbName} needs ${desired} healthy pods and has ${healthy} currently`);
    if (dryRun) return { action: 'none' };
    const next: Record<string, any> = { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [podName]: rfc3339(Date.now()) } };
    if (allowed - 1 === 0) next.conditions = withInsufficientPods(status.conditions, Number(pdb.metadata?.generation ?? 0));
    return { action: 'write', obj: { ...pdb, status: next } };
  });
}

/** The DisruptionAllowed condition turned False (InsufficientPods), as upstream's UpdateDisruptionAllowedCondition does at 0. */
function withInsufficientPods(conditions: unknown, generation: number): unknown[] {
  const list = Array.isArray(conditions) ? (conditions as Array<Record<string, unknown>>) : [];
  const old = list.find((c) => c.type === 'DisruptionAllowed');
  const next = {
    type: 'DisruptionAllowed',
    status: 'False',
    reason: 'InsufficientPods',
    message: '',
    observedGeneration: generation,
    lastTransitionTime: old?.status === 'False' ? old.lastTransitionTime : rfc3339(Date.now()),
  };
  return [...list.filter((c) => c.type !== 'DisruptionAllowed'), next];
}
