import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { DeploymentSyncer } from './sync.js';
import { deploymentComplete, rolloutStatus } from './progress.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { availableCounted, byCreation, maxSurge, maxUnavailable, podsCounted, replicasOf, specReplicas } from './util.js';

/**
 * How many replicas the new ReplicaSet should have now (NewRSNewReplicas for
 * RollingUpdate): grow towards the desired count while all ReplicaSets together stay
 * within replicas + maxSurge. Counts each RS's pods as max(spec, status) so pods an old
 * RS has not yet deleted still count against the surge.
 */
export function newReplicaSetReplicas(d: Deployment, newRS: ReplicaSet, allRSs: readonly ReplicaSet[]): number {
  const desired = replicasOf(d);
  const cur = specReplicas(newRS);
  if (cur >= desired) return desired;
  const total = allRSs.reduce((n, rs) => n + podsCounted(rs), 0);
  const maxTotal = desired + maxSurge(d);
  if (total >= maxTotal) return cur;
  return cur + Math.min(maxTotal - total, desired - cur);
}

/**
 * How far to scale old ReplicaSets down (reconcileOldReplicaSets): first unhealthy
 * replicas (asked for but not available), oldest RS first, then healthy ones while
 * availability stays at replicas − maxUnavailable. Returns the new replica count per
 * old RS name (only the ones that change).
 */
export function oldReplicaSetsScaleDown(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Map<string, number> {
  const out = new Map<string, number>();
  const oldCount = oldRSs.reduce((n, rs) => n + specReplicas(rs), 0);
  if (oldCount === 0) return out;
  const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
  const allPods = all.reduce((n, rs) => n + podsCounted(rs), 0);
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = newRS ? specReplicas(newRS) - availableCounted(newRS) : 0;
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return out;

  const sorted = [...oldRSs].sort(byCreation);
  const replicas = new Map<string, number>(sorted.map((rs) => [rs.metadata?.name ?? '', specReplicas(rs)]));
  // 1. Unhealthy replicas go first: removing them cannot lower availability.
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const name = rs.metadata?.name ?? '';
    const spec = replicas.get(name) ?? 0;
    if (spec === 0) continue;
    const unhealthy = spec - availableCounted(rs);
    if (unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    replicas.set(name, spec - n);
    cleaned += n;
  }
  // 2. Healthy replicas while availability allows.
  const available = all.reduce((n, rs) => n + Math.min(availableCounted(rs), rs === newRS ? specReplicas(rs) : (replicas.get(rs.metadata?.name ?? '') ?? 0)), 0);
  if (available > minAvailable) {
    const toScale = available - minAvailable;
    let scaled = 0;
    for (const rs of sorted) {
      if (scaled >= toScale) break;
      const name = rs.metadata?.name ?? '';
      const spec = replicas.get(name) ?? 0;
      if (spec === 0) continue;
      const n = Math.min(spec, toScale - scaled);
      replicas.set(name, spec - n);
      scaled += n;
    }
  }
  for (const rs of sorted) {
    const name = rs.metadata?.name ?? '';
    const next = replicas.get(name) ?? 0;
    if (next !== specReplicas(rs)) out.set(name, next);
  }
  return out;
}

/**
 * One step of a RollingUpdate (rolloutRolling): scale the new RS up if the surge allows,
 * else scale old ones down if availability allows, else (done) clean up history; always
 * write status. Returns when to look again, if a deadline needs watching.
 */
export async function rolloutRolling(s: DeploymentSyncer, d: Deployment, rsList: readonly ReplicaSet[]): Promise<number | undefined> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(d, rsList, true);
  const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
  if (newRS) {
    const want = newReplicaSetReplicas(d, newRS, all);
    if (want !== specReplicas(newRS)) {
      const scaled = await s.scaleReplicaSet(d, newRS, want);
      return s.syncRolloutStatus(d, all.map((rs) => (rs === newRS ? scaled : rs)), scaled);
    }
  }
  const plan = oldReplicaSetsScaleDown(d, newRS, oldRSs);
  if (plan.size > 0) {
    const next: ReplicaSet[] = [];
    for (const rs of oldRSs) {
      const n = plan.get(rs.metadata?.name ?? '');
      next.push(n === undefined ? rs : await s.scaleReplicaSet(d, rs, n));
    }
    return s.syncRolloutStatus(d, newRS ? [...next, newRS] : next, newRS);
  }
  const { status } = rolloutStatus(d, all, newRS, s.cfg.now());
  if (deploymentComplete(d, status)) await s.cleanup(d, oldRSs);
  return s.syncRolloutStatus(d, all, newRS);
}
