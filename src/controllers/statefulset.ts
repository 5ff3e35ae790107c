import type { ControllerRevision } from '../api/apps/v1/controller-revision.js';
import { ControllerRevisionKind } from '../api/apps/v1/controller-revision.js';
import type { StatefulSet } from '../api/apps/v1/stateful-set.js';
import { StatefulSetKind } from '../api/apps/v1/stateful-set.js';
import type { PersistentVolumeClaim } from '../api/core/v1/persistent-volume-claim.js';
import { PersistentVolumeClaimKind } from '../api/core/v1/persistent-volume-claim.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { controllerRef, splitKey } from '../client/object-key.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { REVISION_HASH_LABEL, syncRevisions } from './controller-revisions.js';
import { isPodAvailable, isPodReady } from './pod-util.js';
import { selectorOf } from './replicaset.js';
import { ordinalOf, statefulClaims, statefulPod } from './statefulset-pod.js';
import { omitZero, statusMergePatch } from './status-fields.js';

const COMPONENT = 'statefulset-controller';
const GVK = { kind: 'StatefulSet', apiVersion: 'apps/v1' };
type Template = NonNullable<NonNullable<StatefulSet['spec']>['template']>;
type Strategy = { type?: string; rollingUpdate?: { partition?: number } };

/** The StatefulSet controller: ordinal pods with stable names and claims, ordered or parallel, rolling updates from the highest ordinal. */
export const statefulSetController: ControllerDescriptor = {
  name: 'statefulset',
  create: (ctx) => newStatefulSetController(ctx),
};

/** StatefulSetStatus fields tagged omitempty in k8s.io/api (replicas and availableReplicas are not). */
const STS_OMITEMPTY = ['observedGeneration', 'readyReplicas', 'currentReplicas', 'updatedReplicas'] as const;

const runningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);

export function newStatefulSetController(ctx: ControllerContext): RunningController {
  const setInformer = ctx.informers.informerFor<StatefulSet>(StatefulSetKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const revInformer = ctx.informers.informerFor<ControllerRevision>(ControllerRevisionKind);
  const pods = ctx.client.resource<Pod>(PodKind);
  const claims = ctx.client.resource<PersistentVolumeClaim>(PersistentVolumeClaimKind);
  const sets = ctx.client.resource<StatefulSet>(StatefulSetKind);
  const recorder = ctx.recorder(COMPONENT);

  const reconcile = async (key: string) => {
    const set = setInformer.indexer.get(key);
    if (!set || set.metadata?.deletionTimestamp) return;
    const { namespace, name } = splitKey(key);
    const now = ctx.clock.now();
    const selector = selectorOf(set);
    const owned = podInformer.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => controllerRef(p)?.uid === set.metadata?.uid && selector.matches(p.metadata?.labels));
    const { hash: updateHash } = await syncRevisions({
      client: ctx.client,
      owner: set,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'StatefulSet',
      existing: revInformer.indexer.byIndex(NAMESPACE_INDEX, namespace),
      inUse: new Set(owned.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL] ?? '')),
      ...(set.spec?.template?.metadata?.labels ? { labels: set.spec.template.metadata.labels } : {}),
    });
    const revName = (h: string) => `${name}-${h}`;
    let currentHash = set.status?.currentRevision?.startsWith(`${name}-`) ? set.status.currentRevision.slice(name.length + 1) : updateHash;
    const replicas = set.spec?.replicas ?? 1;
    const start = set.spec?.ordinals?.start ?? 0;
    const strategy = set.spec?.updateStrategy as Strategy | undefined;
    const partition = strategy?.type === 'OnDelete' ? Infinity : start + (strategy?.rollingUpdate?.partition ?? 0);
    const parallel = set.spec?.podManagementPolicy === 'Parallel';

    const byOrdinal = new Map<number, Pod>();
    const condemned: Pod[] = [];
    for (const p of owned) {
      const o = ordinalOf(name, p.metadata?.name);
      if (o === undefined) continue;
      if (o >= start && o < start + replicas) byOrdinal.set(o, p);
      else condemned.push(p);
    }
    const templateFor = (ordinal: number): { template: Template; hash: string } => {
      if (ordinal < partition && currentHash !== updateHash) {
        const cr = revInformer.indexer.get(`${namespace}/${revName(currentHash)}`);
        const tpl = (cr?.data as { spec?: { template?: Template } } | undefined)?.spec?.template;
        if (tpl) {
          const { $patch: _drop, ...rest } = tpl as Template & { $patch?: string };
          return { template: rest, hash: currentHash };
        }
      }
      return { template: set.spec?.template ?? {}, hash: updateHash };
    };

    await (async () => {
      // 1. Failed pods are deleted (recreated on a later sync); 2. missing ordinals created in order.
      for (let o = start; o < start + replicas; o++) {
        const p = byOrdinal.get(o);
        if (p && p.status?.phase === 'Failed' && !p.metadata?.deletionTimestamp) {
          await deletePod(set, p);
          if (!parallel) return;
          continue;
        }
        if (!p) {
          await createPod(set, o, templateFor(o));
          if (!parallel) return;
          continue;
        }
        if (!parallel && (p.metadata?.deletionTimestamp || !runningAndReady(p))) return; // OrderedReady: wait for this one
      }
      // 3. Scale down from the highest ordinal (one at a time unless Parallel, only when all are healthy).
      const victims = condemned.filter((p) => !p.metadata?.deletionTimestamp).sort((a, b) => (ordinalOf(name, b.metadata?.name) ?? 0) - (ordinalOf(name, a.metadata?.name) ?? 0));
      if (!parallel && condemned.some((p) => p.metadata?.deletionTimestamp)) return;
      for (const p of parallel ? victims : victims.slice(0, 1)) await deletePod(set, p);
      if (victims.length && !parallel) return;
      // 4. Rolling update: the highest ordinal at or above the partition not yet updated, once all are ready.
      if (strategy?.type === 'OnDelete') return;
      const all = [...byOrdinal.values()];
      if (all.some((p) => p.metadata?.deletionTimestamp || !runningAndReady(p))) return;
      for (let o = start + replicas - 1; o >= partition; o--) {
        const p = byOrdinal.get(o);
        if (p && p.metadata?.labels?.[REVISION_HASH_LABEL] !== updateHash) {
          await deletePod(set, p);
          return;
        }
      }
    })();

    const inRange = [...byOrdinal.values()];
    const updated = inRange.filter((p) => p.metadata?.labels?.[REVISION_HASH_LABEL] === updateHash).length;
    if (updated === replicas && inRange.length === replicas) currentHash = updateHash;
    const status: NonNullable<StatefulSet['status']> = {
      observedGeneration: set.metadata?.generation ?? 0,
      replicas: owned.length,
      readyReplicas: owned.filter(isPodReady).length,
      availableReplicas: owned.filter((p) => isPodAvailable(p, set.spec?.minReadySeconds ?? 0, now)).length,
      currentReplicas: owned.filter((p) => p.metadata?.labels?.[REVISION_HASH_LABEL] === currentHash).length,
      updatedReplicas: owned.filter((p) => p.metadata?.labels?.[REVISION_HASH_LABEL] === updateHash).length,
      currentRevision: revName(currentHash),
      updateRevision: revName(updateHash),
      // A pointer upstream always sets: printed as 0 (this controller sees no hash collisions).
      collisionCount: set.status?.collisionCount ?? 0,
    };
    // StatefulSetStatus: replicas and availableReplicas are always printed, the other counters are omitempty.
    omitZero(status, STS_OMITEMPTY);
    const cur = (set.status ?? {}) as Record<string, unknown>;
    const managed = [...Object.keys(status), ...STS_OMITEMPTY];
    if (managed.some((k) => cur[k] !== (status as Record<string, unknown>)[k])) {
      try {
        await sets.subresource('status').patch(name, { status: statusMergePatch(undefined, status, STS_OMITEMPTY) }, 'merge', { namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return undefined;
  };

  async function createPod(set: StatefulSet, ordinal: number, t: { template: Template; hash: string }): Promise<void> {
    const namespace = set.metadata?.namespace ?? '';
    const pod = statefulPod(set, ordinal, t.template, t.hash);
    const podName = pod.metadata?.name ?? '';
    const setName = set.metadata?.name ?? '';
    for (const claim of statefulClaims(set, ordinal)) {
      const claimName = claim.metadata?.name ?? '';
      try {
        await claims.create(claim, { namespace });
        recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claimName} Pod ${podName} in StatefulSet ${setName} success`, GVK);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claimName} for Pod ${podName} in StatefulSet ${setName} failed error: ${err instanceof Error ? err.message : String(err)}`, GVK);
        throw err;
      }
    }
    try {
      await pods.create(pod, { namespace });
      recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata?.name ?? ''} in StatefulSet ${set.metadata?.name ?? ''} successful`, GVK);
    } catch (err) {
      if (isAlreadyExists(err)) return; // a stale cache; the informer will show it
      recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata?.name ?? ''} in StatefulSet ${set.metadata?.name ?? ''} failed error: ${err instanceof Error ? err.message : String(err)}`, GVK);
      throw err;
    }
  }

  async function deletePod(set: StatefulSet, p: Pod): Promise<void> {
    try {
      await pods.delete(p.metadata?.name ?? '', { namespace: set.metadata?.namespace ?? '' });
      recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata?.name ?? ''} in StatefulSet ${set.metadata?.name ?? ''} successful`, GVK);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const c = controller('statefulset', { reconcile, workers: ctx.options.workers ?? 2, clock: ctx.clock, logger: ctx.log })
    .watches(setInformer)
    .owns(podInformer, { kind: 'StatefulSet', group: 'apps' });
  return { start: () => c.start(), stop: () => c.stop() };
}
