import type { Deployment } from '../../api/apps/v1/deployment.js';
import { DeploymentKind } from '../../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../../api/apps/v1/replica-set.js';
import { ReplicaSetKind } from '../../api/apps/v1/replica-set.js';
import { deploymentAnnotations as A } from '../../api/apps/v1/well-known.js';
import type { Pod } from '../../api/core/v1/pod.js';
import { PodKind } from '../../api/core/v1/pod.js';
import { controller } from '../../client/controller.js';
import { NAMESPACE_INDEX, OWNER_UID_INDEX, byOwnerUid } from '../../client/indexer.js';
import { controllerRef, objectKey, splitKey } from '../../client/object-key.js';
import { isNotFound } from '../../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from '../context.js';
import { claimObjects } from '../owner-refs.js';
import { ensureIndex } from '../indexes.js';
import { selectorOf } from '../replicaset.js';
import { calculateStatus } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { DeploymentSyncer } from './sync.js';
import { findNewReplicaSet, replicasOf, specReplicas, strategyOf } from './util.js';

const COMPONENT = 'deployment-controller';

/** The Deployment controller: rolls ReplicaSets towards the Deployment's template. */
export const deploymentController: ControllerDescriptor = {
  name: 'deployment',
  create: (ctx) => newDeploymentController(ctx),
};

export function newDeploymentController(ctx: ControllerContext): RunningController {
  const dInformer = ctx.informers.informerFor<Deployment>(DeploymentKind);
  const rsInformer = ctx.informers.informerFor<ReplicaSet>(ReplicaSetKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  ensureIndex(podInformer, OWNER_UID_INDEX, byOwnerUid);
  ensureIndex(rsInformer, OWNER_UID_INDEX, byOwnerUid);
  const deployments = ctx.client.resource<Deployment>(DeploymentKind);
  const replicaSets = ctx.client.resource<ReplicaSet>(ReplicaSetKind);
  const recorder = ctx.recorder(COMPONENT);
  const syncer = new DeploymentSyncer({ deployments, replicaSets, recorder, log: ctx.log, now: () => ctx.clock.now() });

  const rsKeys = (rs: ReplicaSet): string[] => {
    const ref = controllerRef(rs);
    const ns = rs.metadata?.namespace ?? '';
    if (ref) return ref.kind === 'Deployment' ? [`${ns}/${ref.name}`] : [];
    return dInformer.indexer
      .byIndex(NAMESPACE_INDEX, ns)
      .filter((d) => selectorOf(d).matches(rs.metadata?.labels))
      .map(objectKey);
  };
  /** Pods matter only to Recreate (old pods gone?): map a pod to its RS's Deployment. */
  const podKeys = (pod: Pod): string[] => {
    const ref = controllerRef(pod);
    if (ref?.kind !== 'ReplicaSet') return [];
    const rs = rsInformer.indexer.get(`${pod.metadata?.namespace ?? ''}/${ref.name}`);
    if (!rs) return [];
    const d = rsKeys(rs);
    return d.filter((k) => strategyOf(dInformer.indexer.get(k) ?? {}).type === 'Recreate');
  };

  const reconcile = async (key: string) => {
    const cached = dInformer.indexer.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const { namespace } = splitKey(key);
    const selector = selectorOf(d);
    if (selector.isEmpty()) {
      recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', { kind: 'Deployment', apiVersion: 'apps/v1' });
      return;
    }
    const candidates = rsInformer.indexer.byIndex(NAMESPACE_INDEX, namespace);
    const rsList = await claimObjects<ReplicaSet>(candidates, {
      owner: d,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'Deployment',
      selector,
      dependents: replicaSets,
      canAdopt: async () => {
        try {
          const live = await deployments.get(d.metadata?.name ?? '', { namespace });
          return live.metadata?.uid === d.metadata?.uid && !live.metadata?.deletionTimestamp;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
      onError: (err, rs) => ctx.log.warn('cannot adopt or release replicaset', { controller: 'deployment', key, replicaset: objectKey(rs), error: err }),
    });

    if (d.metadata?.deletionTimestamp) {
      const newRS = findNewReplicaSet(d, rsList);
      await syncer.patchStatusIfChanged(d, calculateStatus(d, rsList, newRS, ctx.clock.now()));
      return;
    }
    if (d.spec?.paused || isScalingEvent(d, rsList)) {
      await syncer.sync(d, rsList);
      return;
    }
    let after: number | undefined;
    if (strategyOf(d).type === 'Recreate') {
      const oldPodsLeft = (oldRSs: readonly ReplicaSet[]): number =>
        oldRSs.reduce((n, rs) => n + podInformer.indexer.byIndex(OWNER_UID_INDEX, rs.metadata?.uid ?? '').filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length, 0);
      after = await rolloutRecreate(syncer, d, rsList, oldPodsLeft, ctx.clock.now());
    } else {
      after = await rolloutRolling(syncer, d, rsList);
    }
    return after !== undefined ? { requeueAfterMs: after } : undefined;
  };

  const c = controller('deployment', { reconcile, workers: ctx.options.workers ?? 5, clock: ctx.clock, logger: ctx.log })
    .watches(dInformer)
    .watches(rsInformer, rsKeys)
    .watches(podInformer, podKeys);
  return { start: () => c.start(), stop: () => c.stop() };
}

/** The Deployment's size changed while its ReplicaSets still say the old one (isScalingEvent). */
export function isScalingEvent(d: Deployment, rsList: readonly ReplicaSet[]): boolean {
  for (const rs of rsList) {
    if (specReplicas(rs) === 0) continue;
    const desired = rs.metadata?.annotations?.[A.desiredReplicas];
    if (desired !== undefined && Number(desired) !== replicasOf(d)) return true;
  }
  return false;
}
