import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { deploymentConditionReasons as R, deploymentConditionTypes as T } from '../../api/apps/v1/well-known.js';
import { rfc3339 } from '../../client/micro-time.js';
import { getCondition, removeCondition, setCondition } from '../conditions.js';
import { omitZero } from '../status-fields.js';
import { maxUnavailable, replicasOf, sumStatus } from './util.js';

type Status = NonNullable<Deployment['status']>;

/** DeploymentStatus counters tagged omitempty in k8s.io/api: a zero is left out. */
export const DEPLOYMENT_OMITEMPTY = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const;

/** Replica counts and the Available condition (calculateStatus). */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): Status {
  const available = sumStatus(allRSs, 'availableReplicas');
  const total = sumStatus(allRSs, 'replicas');
  const status: Status = {
    ...(d.status?.conditions ? { conditions: structuredClone(d.status.conditions) } : {}),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: total,
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sumStatus(allRSs, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  omitZero(status, DEPLOYMENT_OMITEMPTY);
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, { type: T.available, status: 'True', reason: R.minimumReplicasAvailable, message: 'Deployment has minimum availability.' }, now, true);
  } else {
    setCondition(status, { type: T.available, status: 'False', reason: R.minimumReplicasUnavailable, message: 'Deployment does not have minimum availability.' }, now, true);
  }
  return status;
}

/** The rollout is done: every replica updated and available, and the newest spec observed. */
export function deploymentComplete(d: Deployment, s: Status): boolean {
  const r = replicasOf(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** Something moved since the last status (DeploymentProgressing). */
export function deploymentProgressing(d: Deployment, s: Status): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

function deadlineSeconds(d: Deployment): number | undefined {
  const v = d.spec?.progressDeadlineSeconds;
  // MaxInt32 means "no deadline", as upstream.
  return v === undefined || v === null || v >= 2147483647 ? undefined : v;
}

/** No progress for progressDeadlineSeconds since the Progressing condition last changed. */
export function deploymentTimedOut(d: Deployment, s: Status, now: number): boolean {
  const secs = deadlineSeconds(d);
  if (secs === undefined) return false;
  const c = getCondition(s, T.progressing);
  if (!c) return false;
  if (c.reason === R.newReplicaSetAvailable) return false;
  if (c.reason === R.progressDeadlineExceeded) return true;
  const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
  return !Number.isNaN(from) && from + secs * 1000 < now;
}

/**
 * The status after a rollout step (syncRolloutStatus): counts, Available, Progressing
 * (NewReplicaSetAvailable / ReplicaSetUpdated / ProgressDeadlineExceeded) and
 * ReplicaFailure copied from the ReplicaSets. requeueAfterMs is when to look again for
 * a deadline to pass.
 */
export function rolloutStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): { status: Status; requeueAfterMs?: number } {
  const s = calculateStatus(d, allRSs, newRS, now);
  const secs = deadlineSeconds(d);
  if (secs === undefined) removeCondition(s, T.progressing);
  const cur = getCondition(s, T.progressing);
  const complete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && cur?.reason === R.newReplicaSetAvailable;
  if (secs !== undefined && !complete && !d.spec?.paused) {
    const name = newRS?.metadata?.name ?? '';
    if (deploymentComplete(d, s)) {
      setCondition(s, { type: T.progressing, status: 'True', reason: R.newReplicaSetAvailable, message: `ReplicaSet "${name}" has successfully progressed.` }, now, true);
    } else if (deploymentProgressing(d, s)) {
      setCondition(s, { type: T.progressing, status: 'True', reason: R.replicaSetUpdated, message: `ReplicaSet "${name}" is progressing.` }, now, true);
      const c = getCondition(s, T.progressing);
      if (c) c.lastUpdateTime = rfc3339(now);
    } else if (deploymentTimedOut(d, s, now)) {
      setCondition(s, { type: T.progressing, status: 'False', reason: R.progressDeadlineExceeded, message: `ReplicaSet "${name}" has timed out progressing.` }, now, true);
    }
  }
  const failure = allRSs.map((rs) => rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True')).find(Boolean);
  if (failure) setCondition(s, { type: T.replicaFailure, status: 'True', reason: failure.reason ?? R.failedCreate, message: failure.message ?? '' }, now, true);
  else removeCondition(s, T.replicaFailure);

  let requeueAfterMs: number | undefined;
  const c = getCondition(s, T.progressing);
  if (secs !== undefined && c?.status === 'True' && c.reason !== R.newReplicaSetAvailable && !deploymentComplete(d, s)) {
    const from = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? '');
    if (!Number.isNaN(from)) requeueAfterMs = Math.max(1000, from + secs * 1000 - now + 1000);
  }
  return requeueAfterMs !== undefined ? { status: s, requeueAfterMs } : { status: s };
}

/** Progressing while paused / resumed (checkPausedConditions); true when it changed. */
export function pausedCondition(d: Deployment, s: Status, now: number): boolean {
  const c = getCondition(s, T.progressing);
  if (!deadlineSeconds(d)) return false;
  if (d.spec?.paused && c?.reason !== R.deploymentPaused) {
    setCondition(s, { type: T.progressing, status: 'Unknown', reason: R.deploymentPaused, message: 'Deployment is paused' }, now, true);
    return true;
  }
  if (!d.spec?.paused && c?.reason === R.deploymentPaused) {
    setCondition(s, { type: T.progressing, status: 'Unknown', reason: R.deploymentResumed, message: 'Deployment is resumed' }, now, true);
    return true;
  }
  return false;
}
