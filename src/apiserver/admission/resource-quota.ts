import { quotaCovers, requiredPodResources, usageOf, type Usage } from '../../api/core/v1/resource-quota-usage.js';
import { Quantity } from '../../machinery/quantity.js';
import type { Store } from '../../storage/store.js';
import { ConflictError } from '../../storage/errors.js';
import { encodeForStore } from '../resources/object-store.js';
import { forbidden } from '../resources/errors.js';
import { decodeStored, type KubeObject } from '../watch-cache/cached-object.js';
import type { AdmissionPlugin } from './types.js';

const CAS_ATTEMPTS = 10;
const list = (names: Iterable<string>): string => [...names].sort().join(',');
const pretty = (u: Map<string, Quantity>, keys: string[]): string => keys.sort().map((k) => `${k}=${u.get(k)?.toString() ?? '0'}`).join(',');
const toUsage = (r: Record<string, unknown> | undefined): Usage => new Map(Object.entries(r ?? {}).map(([k, v]) => [k, Quantity.parse(String(v))]));

/**
 * Kubernetes' ResourceQuota admission plugin, on create: for every quota of the namespace
 * that covers the object and constrains something it uses, the object must fit —
 * used + requested ≤ hard (403 `exceeded quota: q, requested: …, used: …, limited: …`) —
 * a quota whose status the controller has not filled yet refuses (`status unknown for
 * quota`), and a pod must state each CPU/memory request or limit a quota constrains
 * (`failed quota: q: must specify …`). The charge is written to the quota's status.used at
 * once, with compare-and-swap, so concurrent creates cannot both take the last unit; the
 * quota controller recounts from the objects later.
 */
export function resourceQuotaAdmission(config: { store: Store; quotas: (namespace: string) => KubeObject[] }): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    async admit(attrs, obj) {
      if (attrs.operation !== 'CREATE' || attrs.subresource || !attrs.spec.namespaced || !attrs.namespace || !obj) return;
      const quotas = config.quotas(attrs.namespace);
      if (quotas.length === 0) return;
      const { plural, group } = attrs.spec;
      const usage = usageOf(plural, group, obj);
      const charges: Array<{ name: string; delta: Usage }> = [];
      for (const quota of [...quotas].sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))) {
        if (!quotaCovers(quota, plural, group, obj)) continue;
        const name = String(quota.metadata?.name ?? '');
        const hard = (quota.spec as { hard?: Record<string, unknown> } | undefined)?.hard ?? {};
        const restricted = Object.keys(hard).filter((k) => usage.has(k));
        if (plural === 'pods' && group === '' && usage.has('pods')) {
          const missing = missingResources(obj, requiredPodResources(hard));
          if (missing) throw forbidden(attrs.spec, attrs.name, `failed quota: ${name}: must specify ${missing}`);
        }
        if (restricted.length === 0) continue;
        const status = (quota.status ?? {}) as { hard?: Record<string, unknown>; used?: Record<string, unknown> };
        const unknown = restricted.filter((k) => status.hard?.[k] === undefined || status.used?.[k] === undefined);
        if (unknown.length) throw forbidden(attrs.spec, attrs.name, `status unknown for quota: ${name}, resources: ${list(unknown)}`);
        const used = toUsage(status.used);
        const limit = toUsage(status.hard);
        const exceeded = restricted.filter((k) => (used.get(k) as Quantity).add(usage.get(k) as Quantity).cmp(limit.get(k) as Quantity) > 0);
        if (exceeded.length) throw forbidden(attrs.spec, attrs.name, `exceeded quota: ${name}, requested: ${pretty(usage, [...exceeded])}, used: ${pretty(used, [...exceeded])}, limited: ${pretty(limit, [...exceeded])}`);
        charges.push({ name, delta: new Map(restricted.map((k) => [k, usage.get(k) as Quantity])) });
      }
      if (attrs.dryRun) return;
      for (const c of charges) await charge(config.store, attrs.namespace, c.name, c.delta, attrs);
    },
  };
}

/** "cpu for: a,b; limits.memory for: a" — what each container leaves out of the constrained resources; undefined if nothing. */
function missingResources(pod: KubeObject, required: string[]): string | undefined {
  const spec = pod.spec as { containers?: Array<Record<string, any>>; initContainers?: Array<Record<string, any>> } | undefined;
  const missing = new Map<string, string[]>();
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const r of required) {
      const [list, name] = r.startsWith('limits.') ? ['limits', r.slice(7)] : ['requests', r.replace(/^requests\./, '')];
      if (c.resources?.[list]?.[name] === undefined) missing.set(r, [...(missing.get(r) ?? []), String(c.name)]);
    }
  }
  if (missing.size === 0) return undefined;
  return [...missing.keys()].sort().map((r) => `${r} for: ${list(missing.get(r) as string[])}`).join('; ');
}

/** Adds `delta` to the quota's status.used with compare-and-swap, re-checking the limit each time. */
async function charge(store: Store, ns: string, name: string, delta: Usage, attrs: Parameters<AdmissionPlugin['admit']>[0]): Promise<void> {
  const key = `/registry/core/resourcequotas/${ns}/${name}`;
  for (let i = 0; i < CAS_ATTEMPTS; i++) {
    const kv = await store.get(key);
    if (!kv) return; // deleted meanwhile: nothing to charge
    const quota = decodeStored(kv);
    const status = ((quota.status ??= {}) as { hard?: Record<string, unknown>; used?: Record<string, unknown> });
    const used = toUsage(status.used);
    const over = [...delta.keys()].filter((k) => status.hard?.[k] !== undefined && (used.get(k) ?? Quantity.fromValue(0)).add(delta.get(k) as Quantity).cmp(Quantity.parse(String(status.hard[k]))) > 0);
    if (over.length) throw forbidden(attrs.spec, attrs.name, `exceeded quota: ${name}, requested: ${pretty(delta, over)}, used: ${pretty(used, over)}, limited: ${pretty(toUsage(status.hard), over)}`);
    const written = (status.used ??= {});
    for (const [k, v] of delta) written[k] = (used.get(k) ?? Quantity.fromValue(0)).add(v).toString();
    try {
      await store.update(key, encodeForStore(quota), kv.modRevision);
      return;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  throw forbidden(attrs.spec, attrs.name, `unable to charge quota ${name}: too many concurrent writes, try again`);
}
