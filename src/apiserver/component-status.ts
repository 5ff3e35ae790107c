/**
 * Serves core/v1 ComponentStatus as kube-apiserver does: get and list only, computed on
 * each request (never stored), with the deprecation warning on every response. Three
 * components: `scheduler` and `controller-manager` (Healthy when running in this process or
 * holding a live Lease in kube-system) and `etcd-0` (the datastore check of /readyz).
 */
import type { KubeObject } from './watch-cache/cached-object.js';
import type { VerbArgs } from './resources/context.js';
import { methodNotSupported, notFound, resourceNotFound } from './resources/errors.js';
import { responseShape } from './resources/media-type.js';
import { sendJson } from './resources/respond.js';
import { parseIncludeObject, renderTable } from './resources/table.js';

export const COMPONENT_STATUS_WARNING = 'v1 ComponentStatus is deprecated in v1.19+';
/** The components a server reports, in kube-apiserver's order. */
export const COMPONENTS = ['scheduler', 'controller-manager', 'etcd-0'] as const;
const LEASE_OF: Readonly<Record<string, string>> = { scheduler: 'kube-scheduler', 'controller-manager': 'kube-controller-manager' };
const LEASE_PREFIX = '/registry/coordination.k8s.io/leases/';

export interface ComponentCondition {
  type: 'Healthy';
  status: 'True' | 'False' | 'Unknown';
  message: string;
  error?: string;
}

/**
 * The Healthy condition of a leader-elected component from its Lease: True while a holder
 * renewed it within leaseDurationSeconds. Pure; `lease` undefined means none exists.
 */
export function leaseCondition(leaseName: string, lease: KubeObject | undefined, now: Date): ComponentCondition {
  const spec = (lease?.spec ?? {}) as { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
  if (!lease) return { type: 'Healthy', status: 'False', message: `not running: no Lease kube-system/${leaseName}` };
  if (!spec.holderIdentity) return { type: 'Healthy', status: 'False', message: `not running: Lease kube-system/${leaseName} has no holder` };
  const renewed = Date.parse(spec.renewTime ?? '');
  const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
  if (Number.isNaN(renewed) || renewed + durationMs < now.getTime()) {
    return { type: 'Healthy', status: 'False', message: `not running: Lease kube-system/${leaseName} held by ${spec.holderIdentity} expired` };
  }
  return { type: 'Healthy', status: 'True', message: 'ok' };
}

/** etcd-0 as upstream's EtcdServer check: "ok" when the store answers, else the error. */
export async function storeCondition(check: () => Promise<unknown>): Promise<ComponentCondition> {
  try {
    await check();
    return { type: 'Healthy', status: 'True', message: 'ok' };
  } catch (err) {
    return { type: 'Healthy', status: 'False', message: '', error: err instanceof Error ? err.message : String(err) };
  }
}

async function conditionOf(a: VerbArgs, name: string): Promise<ComponentCondition> {
  const { ctx } = a;
  if (name === 'etcd-0') return storeCondition(() => ctx.store.currentRevision());
  if (ctx.componentHealth?.(name)) return { type: 'Healthy', status: 'True', message: 'ok' };
  const leaseName = LEASE_OF[name] as string;
  const lease = ctx.cache.resource(LEASE_PREFIX).get(`${LEASE_PREFIX}kube-system/${leaseName}`)?.obj;
  return leaseCondition(leaseName, lease, ctx.now());
}

function componentStatus(name: string, condition: ComponentCondition): KubeObject {
  return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name }, conditions: [condition] };
}

/** GET or LIST of ComponentStatus; a Table when the client asks for one (kubectl get). Selectors are ignored, as upstream. */
export async function serveComponentStatus(a: VerbArgs): Promise<void> {
  const { info, spec, ctx } = a;
  if (info.subresource) throw resourceNotFound();
  if (info.verb !== 'get' && info.verb !== 'list') throw methodNotSupported(spec, info.verb);
  const names = info.verb === 'get' ? COMPONENTS.filter((c) => c === info.name) : [...COMPONENTS];
  if (names.length === 0) throw notFound(spec, info.name ?? '');
  const items = await Promise.all(names.map(async (n) => componentStatus(n, await conditionOf(a, n))));
  const warnings = [COMPONENT_STATUS_WARNING];
  const shape = responseShape(a.req.headers.accept);
  if (shape.as === 'Table') {
    const table = renderTable(spec, items, { includeObject: parseIncludeObject(info.query.get('includeObject')), version: shape.version, now: ctx.now() });
    return sendJson(a.res, 200, table, { contentType: `application/json;as=Table;v=${shape.version};g=meta.k8s.io`, warnings });
  }
  const body = info.verb === 'get' ? (items[0] as KubeObject) : { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items };
  sendJson(a.res, 200, body, { warnings });
}
