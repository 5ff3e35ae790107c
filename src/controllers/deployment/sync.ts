import type { Deployment } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { appsLabels, deploymentConditionReasons as R, deploymentConditionTypes as T } from '../../api/apps/v1/well-known.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Logger } from '../../client/logger.js';
import { controllerRef } from '../../client/object-key.js';
import type { ResourceClient } from '../../client/resource-client.js';
import { ApiError, isAlreadyExists, isNotFound } from '../../client/status-error.js';
import { getCondition, setCondition } from '../conditions.js';
import { newControllerRef } from '../owner-refs.js';
import { computeHash } from './hash.js';
import { replicaSetsToCleanUp } from './history.js';
import { calculateStatus, DEPLOYMENT_OMITEMPTY, pausedCondition, rolloutStatus } from './progress.js';
import { sameJson, statusMergePatch } from '../status-fields.js';
import { deploymentAnnotationsFor, setNewReplicaSetAnnotations, setReplicasAnnotations } from './rollback.js';
import { newReplicaSetReplicas } from './rolling.js';
import { proportionalSizes } from './scale.js';
import { byCreation, equalIgnoreHash, findNewReplicaSet, maxRevision, replicasOf, specReplicas, strategyOf } from './util.js';
import { deploymentAnnotations as A } from '../../api/apps/v1/well-known.js';

const INVOLVED = { kind: 'Deployment', apiVersion: 'apps/v1' };

export interface SyncerConfig {
  deployments: ResourceClient<Deployment>;
  replicaSets: ResourceClient<ReplicaSet>;
  recorder: EventRecorder;
  log: Logger;
  now: () => number;
}

/**
 * The Deployment controller's writes, shared by the rolling, recreate and scaling paths
 * (sync.go). Every method re-derives what it needs from its arguments; writes go
 * through the API and the next reconcile sees their effect through the caches.
 */
export class DeploymentSyncer {
  readonly cfg: SyncerConfig;

  constructor(cfg: SyncerConfig) {
    this.cfg = cfg;
  }

  /**
   * The new ReplicaSet (created when `create` and missing) and the old ones; brings the
   * new one's revision to max(old)+1 and the Deployment's revision annotation with it.
   */
  async getAllReplicaSetsAndSyncRevision(d: Deployment, rsList: readonly ReplicaSet[], create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const existing = findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing).sort(byCreation);
    const newRevision = maxRevision(oldRSs) + 1;
    const ns = d.metadata?.namespace ?? '';
    let newRS = existing;
    if (existing) {
      const copy = structuredClone(existing);
      if (setNewReplicaSetAnnotations(d, copy, newRevision)) {
        newRS = await this.cfg.replicaSets.patch(copy.metadata?.name ?? '', { metadata: { annotations: copy.metadata?.annotations } }, 'merge', { namespace: ns });
      }
      if (!getCondition(d.status, T.progressing) && d.spec?.progressDeadlineSeconds !== undefined) {
        const s = structuredClone(d.status ?? {});
        setCondition(s, { type: T.progressing, status: 'True', reason: R.foundNewReplicaSet, message: `Found new replica set "${existing.metadata?.name ?? ''}"` }, this.cfg.now(), true);
        await this.patchStatus(d, s);
      }
    } else if (create) {
      newRS = await this.createNewReplicaSet(d, rsList, oldRSs, newRevision);
    }
    if (newRS) await this.syncDeploymentRevision(d, Number(newRS.metadata?.annotations?.[A.revision] ?? 0));
    return { newRS, oldRSs };
  }

  private async syncDeploymentRevision(d: Deployment, revision: number): Promise<void> {
    const ann = deploymentAnnotationsFor(d, revision);
    if (!ann) return;
    await this.cfg.deployments.patch(d.metadata?.name ?? '', { metadata: { annotations: ann } }, 'merge', { namespace: d.metadata?.namespace ?? '' });
  }

  private async createNewReplicaSet(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], revision: number): Promise<ReplicaSet | undefined> {
    const ns = d.metadata?.namespace ?? '';
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const template = structuredClone(d.spec?.template ?? {});
    ((template.metadata ??= {}).labels ??= {})[appsLabels.podTemplateHash] = hash;
    const selector = structuredClone(d.spec?.selector ?? {});
    (selector.matchLabels ??= {})[appsLabels.podTemplateHash] = hash;
    const name = `${d.metadata?.name ?? ''}-${hash}`;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: ns, labels: { ...(template.metadata?.labels ?? {}) }, ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')] },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    } as ReplicaSet;
    setNewReplicaSetAnnotations(d, rs, revision);
    const replicas = strategyOf(d).type === 'Recreate' ? replicasOf(d) : newReplicaSetReplicas(d, rs, [...allRSs, rs]);
    (rs.spec ??= {} as never).replicas = replicas;
    setReplicasAnnotations(d, rs);
    let created: ReplicaSet;
    try {
      created = await this.cfg.replicaSets.create(rs, { namespace: ns });
    } catch (err) {
      if (isAlreadyExists(err)) {
        // Same name: ours with the same template (a cache lag) or a hash collision.
        const other = await this.cfg.replicaSets.get(name, { namespace: ns });
        if (controllerRef(other)?.uid === d.metadata?.uid && equalIgnoreHash(other.spec?.template, d.spec?.template)) return other;
        const s = structuredClone(d.status ?? {});
        s.collisionCount = (s.collisionCount ?? 0) + 1;
        await this.patchStatus(d, s);
        throw new Error(`hash collision for ReplicaSet ${name}; collisionCount is now ${s.collisionCount}`);
      }
      const msg = `Failed to create new replica set "${name}": ${err instanceof Error ? err.message : String(err)}`;
      if (d.spec?.progressDeadlineSeconds !== undefined) {
        const s = structuredClone(d.status ?? {});
        setCondition(s, { type: T.progressing, status: 'False', reason: 'ReplicaSetCreateError', message: msg }, this.cfg.now(), true);
        await this.patchStatus(d, s).catch(() => {});
      }
      this.cfg.recorder.event(d, 'Warning', 'ReplicaSetCreateError', msg, INVOLVED);
      throw err;
    }
    if (replicas > 0) this.cfg.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`, INVOLVED);
    if (d.spec?.progressDeadlineSeconds !== undefined) {
      const s = structuredClone(d.status ?? {});
      setCondition(s, { type: T.progressing, status: 'True', reason: R.newReplicaSetCreated, message: `Created new replica set "${name}"` }, this.cfg.now(), true);
      await this.patchStatus(d, s);
    }
    void oldRSs;
    return created;
  }

  /** Sets rs.spec.replicas (and the replicas annotations); records ScalingReplicaSet. */
  async scaleReplicaSet(d: Deployment, rs: ReplicaSet, replicas: number): Promise<ReplicaSet> {
    const copy = structuredClone(rs);
    const annChanged = setReplicasAnnotations(d, copy);
    const from = specReplicas(rs);
    if (from === replicas && !annChanged) return rs;
    const out = await this.cfg.replicaSets.patch(rs.metadata?.name ?? '', { metadata: { annotations: copy.metadata?.annotations }, spec: { replicas } }, 'merge', { namespace: rs.metadata?.namespace ?? '' });
    if (from !== replicas) {
      const dir = replicas > from ? 'up' : 'down';
      this.cfg.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata?.name ?? ''} from ${from} to ${replicas}`, INVOLVED);
    }
    return out;
  }

  /**
   * A scaling event or a paused Deployment (sync): resize without rolling, clean up
   * history when paused, write status.
   */
  async sync(d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    await this.scale(d, newRS, oldRSs);
    if (d.spec?.paused) await this.cleanup(d, oldRSs);
    const all = newRS ? [...oldRSs, newRS] : oldRSs;
    const s = calculateStatus(d, all, newRS, this.cfg.now());
    pausedCondition(d, s, this.cfg.now());
    await this.patchStatusIfChanged(d, s);
  }

  /** Proportional scaling (scale()): one active RS takes the new size; else share the change. */
  private async scale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const active = [...(newRS ? [newRS] : []), ...oldRSs].filter((rs) => specReplicas(rs) > 0);
    const desired = replicasOf(d);
    let only: ReplicaSet | undefined;
    if (active.length === 1) only = active[0];
    else if (active.length === 0) only = newRS ?? [...oldRSs].sort(byCreation).at(-1);
    if (only) {
      if (specReplicas(only) !== desired) await this.scaleReplicaSet(d, only, desired);
      return;
    }
    if (newRS && specReplicas(newRS) === desired && (newRS.status?.availableReplicas ?? 0) === desired) {
      for (const rs of oldRSs) if (specReplicas(rs) > 0) await this.scaleReplicaSet(d, rs, 0);
      return;
    }
    if (strategyOf(d).type !== 'RollingUpdate') return;
    const sizes = proportionalSizes(d, active);
    for (const rs of active) {
      const n = sizes.get(rs.metadata?.name ?? '');
      if (n !== undefined && n !== specReplicas(rs)) await this.scaleReplicaSet(d, rs, n);
    }
  }

  /** Writes the status of a step of a rollout; returns when to look again (progress deadline). */
  async syncRolloutStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Promise<number | undefined> {
    const { status, requeueAfterMs } = rolloutStatus(d, allRSs, newRS, this.cfg.now());
    await this.patchStatusIfChanged(d, status);
    return requeueAfterMs;
  }

  /** Deletes old ReplicaSets over revisionHistoryLimit. */
  async cleanup(d: Deployment, oldRSs: readonly ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToCleanUp(d, oldRSs)) {
      try {
        await this.cfg.replicaSets.delete(rs.metadata?.name ?? '', { namespace: rs.metadata?.namespace ?? '', preconditions: { uid: rs.metadata?.uid ?? '' } });
      } catch (err) {
        if (!isNotFound(err) && !(err instanceof ApiError && err.status.code === 409)) throw err;
      }
    }
  }

  async patchStatusIfChanged(d: Deployment, s: NonNullable<Deployment['status']>): Promise<void> {
    if (sameStatus(d.status, s)) return;
    await this.patchStatus(d, s);
  }

  async patchStatus(d: Deployment, s: NonNullable<Deployment['status']>): Promise<void> {
    try {
      // Fields gone from the new status (zero counters, conditions) are nulled so the server drops them.
      await this.cfg.deployments.subresource('status').patch(d.metadata?.name ?? '', { status: statusMergePatch(d.status, s, DEPLOYMENT_OMITEMPTY) }, 'merge', { namespace: d.metadata?.namespace ?? '' });
      d.status = s;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function sameStatus(a: Deployment['status'], b: Deployment['status']): boolean {
  const norm = (s: Deployment['status']) => ({
    ...s,
    conditions: (s?.conditions ?? []).map((c) => ({ ...c })),
  });
  return sameJson(norm(a), norm(b));
}
