/**
 * What an object counts against a ResourceQuota, as upstream's quota evaluators say:
 * one `count/<resource>[.<group>]` for anything; for pods (not yet finished) `pods`, and
 * their CPU, memory and ephemeral-storage requests and limits (`requests.cpu`, `cpu`,
 * `limits.memory`…: the effective amounts, app containers and sidecars summed, init steps as floors);
 * `services`, `services.nodeports` and `services.loadbalancers`; `configmaps`, `secrets`,
 * `persistentvolumeclaims` (and `requests.storage`), `replicationcontrollers`,
 * `resourcequotas`. And whether a quota's scopes take a pod in. Pure.
 */
import { Quantity } from '../../../machinery/quantity.js';
import { podResourceTotals, QUANTITIES } from './pod-resource-totals.js';

type Obj = Record<string, any>;
export type Usage = Map<string, Quantity>;

const ONE = Quantity.fromValue(1);
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];
/** Legacy object-count names upstream keeps beside count/<resource>. */
const LEGACY_COUNTS = new Set(['services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);

/** Whether a pod still counts: finished (Succeeded/Failed) pods do not. */
export function podCounts(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** The pod's effective requests or limits (pod-resource-totals.ts: sidecars count with the app containers). */
export function podResources(pod: Obj, which: 'requests' | 'limits'): Map<string, Quantity> {
  return podResourceTotals(pod.spec, which, QUANTITIES);
}

/** Everything `obj` of `plural` in `group` adds to a quota's usage. */
export function usageOf(plural: string, group: string, obj: Obj): Usage {
  const u: Usage = new Map();
  if (plural === 'pods' && group === '' && !podCounts(obj)) return u;
  u.set(group ? `count/${plural}.${group}` : `count/${plural}`, ONE);
  if (group !== '') return u;
  if (LEGACY_COUNTS.has(plural)) u.set(plural, ONE);
  if (plural === 'pods') {
    u.set('pods', ONE);
    const requests = podResources(obj, 'requests');
    const limits = podResources(obj, 'limits');
    for (const r of COMPUTE) {
      const req = requests.get(r);
      const lim = limits.get(r);
      if (req) u.set(`requests.${r}`, req).set(r, req);
      if (lim) u.set(`limits.${r}`, lim);
    }
  } else if (plural === 'services') {
    const type = obj.spec?.type ?? 'ClusterIP';
    if (type === 'LoadBalancer') u.set('services.loadbalancers', ONE);
    if (type === 'NodePort' || type === 'LoadBalancer') u.set('services.nodeports', Quantity.fromValue((obj.spec?.ports ?? []).length));
  } else if (plural === 'persistentvolumeclaims') {
    const storage = obj.spec?.resources?.requests?.storage;
    if (storage !== undefined) u.set('requests.storage', Quantity.parse(String(storage)));
  }
  return u;
}

/** The compute resources a quota constrains that every container of a counted pod must state. */
export function requiredPodResources(hard: Obj): string[] {
  return Object.keys(hard).filter((k) => COMPUTE.includes(k) || /^(requests|limits)\.(cpu|memory|ephemeral-storage)$/.test(k));
}

/** Whether the quota's scopes (and scopeSelector) take the object in; only pods match scopes. */
export function quotaCovers(quota: Obj, plural: string, group: string, obj: Obj): boolean {
  const scopes: Array<{ scopeName: string; operator: string; values?: string[] }> = [
    ...((quota.spec?.scopes ?? []) as string[]).map((s) => ({ scopeName: s, operator: 'Exists' })),
    ...(quota.spec?.scopeSelector?.matchExpressions ?? []),
  ];
  if (scopes.length === 0) return true;
  if (plural !== 'pods' || group !== '') return false;
  return scopes.every((s) => scopeMatches(s, obj));
}

function scopeMatches(s: { scopeName: string; operator: string; values?: string[] }, pod: Obj): boolean {
  const terminating = pod.spec?.activeDeadlineSeconds != null;
  const bestEffort = podResources(pod, 'requests').size === 0 && podResources(pod, 'limits').size === 0;
  switch (s.scopeName) {
    case 'Terminating': return terminating;
    case 'NotTerminating': return !terminating;
    case 'BestEffort': return bestEffort;
    case 'NotBestEffort': return !bestEffort;
    case 'PriorityClass': {
      const pc = pod.spec?.priorityClassName;
      if (s.operator === 'Exists') return !!pc;
      if (s.operator === 'DoesNotExist') return !pc;
      const listed = (s.values ?? []).includes(pc ?? '');
      return s.operator === 'In' ? listed : !listed;
    }
    default: return false;
  }
}
