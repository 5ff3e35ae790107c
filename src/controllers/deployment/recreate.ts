import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { deploymentComplete, rolloutStatus } from './progress.js';
import type { DeploymentSyncer } from './sync.js';
import { replicasOf, specReplicas } from './util.js';

/**
 * One step of a Recreate rollout (rolloutRecreate): scale every old RS to 0, wait until
 * none of their pods is left, then create/scale the new RS to the desired count.
 * `oldPodsLeft` counts the old ReplicaSets' pods that are not finished.
 */
export async function rolloutRecreate(s: DeploymentSyncer, d: Deployment, rsList: readonly ReplicaSet[], oldPodsLeft: (oldRSs: readonly ReplicaSet[]) => number, now: number): Promise<number | undefined> {
  let { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(d, rsList, false);
  const all = (): ReplicaSet[] => (newRS ? [...oldRSs, newRS] : [...oldRSs]);
  const active = oldRSs.filter((rs) => specReplicas(rs) > 0);
  if (active.length > 0) {
    oldRSs = await Promise.all(oldRSs.map((rs) => (specReplicas(rs) > 0 ? s.scaleReplicaSet(d, rs, 0) : rs)));
    return s.syncRolloutStatus(d, all(), newRS);
  }
  if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0) || oldPodsLeft(oldRSs) > 0) return s.syncRolloutStatus(d, all(), newRS);
  if (!newRS) ({ newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(d, rsList, true));
  if (newRS && specReplicas(newRS) !== replicasOf(d)) {
    newRS = await s.scaleReplicaSet(d, newRS, replicasOf(d));
    return s.syncRolloutStatus(d, all(), newRS);
  }
  if (deploymentComplete(d, rolloutStatus(d, all(), newRS, now).status)) await s.cleanup(d, oldRSs);
  return s.syncRolloutStatus(d, all(), newRS);
}
