import { Quantity } from '../../machinery/quantity.js';
import { podResourceTotals, QUANTITIES } from '../../api/core/v1/pod-resource-totals.js';
import { forbidden } from '../resources/errors.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { AdmissionPlugin } from './types.js';

type ResourceList = Record<string, string | number>;
interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}
interface Container {
  name?: string;
  resources?: Resources;
}
interface LimitItem {
  type?: string;
  min?: ResourceList;
  max?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

const ANNOTATION = 'kubernetes.io/limit-ranger';
const q = (v: string | number): Quantity => Quantity.parse(String(v));

/**
 * Kubernetes' LimitRanger admission plugin, for pods on create (their containers cannot
 * change later): each container without a request or limit for a resource gets the
 * namespace's LimitRange `defaultRequest` / `default` (noted in the
 * `kubernetes.io/limit-ranger` annotation), then every container and the pod as a whole
 * must keep within `min`, `max` and `maxLimitRequestRatio`; else 403 with upstream's words.
 */
export function limitRanger(config: { limitRanges: (namespace: string) => KubeObject[] }): AdmissionPlugin {
  return {
    name: 'LimitRanger',
    admit(attrs, obj) {
      if (attrs.operation !== 'CREATE' || attrs.subresource || attrs.spec.group !== '' || attrs.spec.plural !== 'pods' || !obj) return;
      const ranges = config.limitRanges(attrs.namespace ?? '');
      if (ranges.length === 0) return;
      const pod = obj as KubeObject & { spec?: { containers?: Container[]; initContainers?: Container[] } };
      const itemsOf = (range: KubeObject): LimitItem[] => (range.spec as { limits?: LimitItem[] } | undefined)?.limits ?? [];
      // As upstream's two phases: every range's defaults first (mutating), then every range's checks (validating).
      for (const range of ranges) setDefaults(pod, itemsOf(range));
      for (const range of ranges) {
        const errors = violations(pod.spec ?? {}, itemsOf(range));
        if (errors.length) throw forbidden(attrs.spec, attrs.name, errors.length === 1 ? (errors[0] as string) : `[${errors.join(', ')}]`);
      }
    },
  };
}

/** Fills missing requests and limits from the Container items' defaults, and says so in the annotation. */
function setDefaults(pod: KubeObject & { spec?: { containers?: Container[]; initContainers?: Container[] } }, items: LimitItem[]): void {
  const requests: ResourceList = {};
  const limits: ResourceList = {};
  for (const item of items) {
    if (item.type !== 'Container') continue;
    Object.assign(requests, item.defaultRequest ?? {});
    Object.assign(limits, item.default ?? {});
  }
  const notes: string[] = [];
  const merge = (c: Container, what: string): void => {
    const r = (c.resources ??= {});
    const setLimits = Object.keys(limits).filter((k) => (r.limits ??= {})[k] === undefined).sort();
    for (const k of setLimits) (r.limits as ResourceList)[k] = limits[k] as string;
    const setRequests = Object.keys(requests).filter((k) => (r.requests ??= {})[k] === undefined).sort();
    for (const k of setRequests) (r.requests as ResourceList)[k] = requests[k] as string;
    if (setRequests.length) notes.push(`${setRequests.join(', ')} request for ${what} ${c.name}`);
    if (setLimits.length) notes.push(`${setLimits.join(', ')} limit for ${what} ${c.name}`);
  };
  for (const c of pod.spec?.containers ?? []) merge(c, 'container');
  for (const c of pod.spec?.initContainers ?? []) merge(c, 'init container');
  if (notes.length) ((pod.metadata ??= {}).annotations ??= {})[ANNOTATION] = `LimitRanger plugin set: ${notes.join('; ')}`;
}

/** What breaks the items' min/max/ratio constraints, per container and for the pod's totals. */
function violations(spec: { containers?: Container[]; initContainers?: Container[] }, items: LimitItem[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (item.type === 'Container') {
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) out.push(...check('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {}));
    } else if (item.type === 'Pod') {
      out.push(...check('Pod', item, podTotal(spec, 'requests'), podTotal(spec, 'limits')));
    }
  }
  return out;
}

/** The pod's effective requests or limits, without overhead (pod-resource-totals.ts: sidecars count with the app containers). */
function podTotal(spec: { containers?: Container[]; initContainers?: Container[] }, which: 'requests' | 'limits'): Record<string, Quantity> {
  return Object.fromEntries(podResourceTotals(spec, which, QUANTITIES, { excludeOverhead: true }));
}

function check(type: string, item: LimitItem, requests: Record<string, string | number | Quantity>, limits: Record<string, string | number | Quantity>): string[] {
  const out: string[] = [];
  const get = (list: Record<string, string | number | Quantity>, k: string): Quantity | undefined => (list[k] === undefined ? undefined : list[k] instanceof Quantity ? list[k] : q(list[k] as string));
  for (const [k, v] of Object.entries(item.min ?? {})) {
    const [min, req, lim] = [q(v), get(requests, k), get(limits, k)];
    if (!req) out.push(`minimum ${k} usage per ${type} is ${min}.  No request is specified`);
    else if (req.cmp(min) < 0) out.push(`minimum ${k} usage per ${type} is ${min}, but request is ${req}`);
    else if (lim && lim.cmp(min) < 0) out.push(`minimum ${k} usage per ${type} is ${min}, but limit is ${lim}`);
  }
  for (const [k, v] of Object.entries(item.max ?? {})) {
    const [max, req, lim] = [q(v), get(requests, k), get(limits, k)];
    if (!lim) out.push(`maximum ${k} usage per ${type} is ${max}.  No limit is specified`);
    else if (lim.cmp(max) > 0) out.push(`maximum ${k} usage per ${type} is ${max}, but limit is ${lim}`);
    else if (req && req.cmp(max) > 0) out.push(`maximum ${k} usage per ${type} is ${max}, but request is ${req}`);
  }
  for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const [ratio, req, lim] = [q(v), get(requests, k), get(limits, k)];
    if (!req || req.nanos === 0n) out.push(`${k} max limit to request ratio per ${type} is ${ratio}, but no request is specified or request is 0`);
    else if (!lim || lim.nanos === 0n) out.push(`${k} max limit to request ratio per ${type} is ${ratio}, but no limit is specified or limit is 0`);
    else {
      const observed = Number(lim.nanos) / Number(req.nanos);
      if (observed * 1e9 > Number(ratio.nanos)) out.push(`${k} max limit to request ratio per ${type} is ${ratio}, but provided ratio is ${observed.toFixed(6)}`);
    }
  }
  return out;
}
