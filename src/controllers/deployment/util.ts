import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { appsLabels, deploymentAnnotations } from '../../api/apps/v1/well-known.js';
import { scaledValue } from '../../machinery/int-or-string.js';
import { canonicalJson } from './hash.js';

/** The strategy (the schema's lazy object type does not carry its fields). */
export function strategyOf(d: Deployment): { type?: 'Recreate' | 'RollingUpdate'; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } } {
  return (d.spec?.strategy ?? {}) as never;
}

export function replicasOf(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}

export function specReplicas(rs: ReplicaSet | undefined): number {
  return rs?.spec?.replicas ?? 0;
}

/** maxSurge and maxUnavailable as numbers (deploymentutil.ResolveFenceposts). */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  if (strategyOf(d).type === 'Recreate') return { surge: 0, unavailable: replicasOf(d) };
  const ru = strategyOf(d).rollingUpdate;
  const desired = replicasOf(d);
  const surge = scaledValue(ru?.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return resolveFenceposts(d).surge;
}

/** MaxUnavailable, capped at the desired replicas. */
export function maxUnavailable(d: Deployment): number {
  const r = replicasOf(d);
  if (strategyOf(d).type !== 'RollingUpdate' && strategyOf(d).type !== undefined) return 0;
  if (r === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, r);
}

export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): number {
  const v = obj?.metadata?.annotations?.[deploymentAnnotations.revision];
  if (!v || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  let m = 0;
  for (const rs of rss) m = Math.max(m, revisionOf(rs));
  return m;
}

/** Templates equal once the pod-template-hash label is ignored (EqualIgnoreHash). */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  const strip = (t: any): unknown => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) {
      delete c.metadata.labels[appsLabels.podTemplateHash];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    return c;
  };
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}

function created(rs: ReplicaSet): number {
  const t = rs.metadata?.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : 0;
  return Number.isNaN(t) ? 0 : t;
}

/** Oldest first; name breaks ties (ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** The ReplicaSet whose template matches the Deployment's (the oldest, if several). */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Pods an RS has, counting both what it was asked for and what it still has (never under-count). */
export function podsCounted(rs: ReplicaSet): number {
  return Math.max(specReplicas(rs), rs.status?.replicas ?? 0);
}

/**
 * Available pods an RS can be credited with: its reported availability, but never more
 * than it was asked to keep — a lagging status must not let us scale down twice.
 */
export function availableCounted(rs: ReplicaSet): number {
  return Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs));
}

export function sumSpec(rss: readonly ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + specReplicas(rs), 0);
}

export function sumStatus(rss: readonly ReplicaSet[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);
}
