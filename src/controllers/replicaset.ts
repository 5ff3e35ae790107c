import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { ReplicaSet } from '../api/apps/v1/replica-set.js';
import { ReplicaSetKind } from '../api/apps/v1/replica-set.js';
import { ReplicationControllerKind } from '../api/core/v1/replication-controller.js';
import type { KindSpec } from '../api/schema/dsl.js';
import { controller } from '../client/controller.js';
import { controllerRef, objectKey, splitKey } from '../client/object-key.js';
import { isNotFound, ApiError } from '../client/status-error.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { LabelSelector } from '../machinery/label-selector.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { controllerOwnerKey, Expectations, observeOwnedPods } from './expectations.js';
import { claimObjects, newControllerRef } from './owner-refs.js';
import { podsToDelete } from './pod-ranking.js';
import { isPodActive, isPodAvailable, isPodReady, labelsContain, msUntilAvailable } from './pod-util.js';
import { setCondition, removeCondition } from './conditions.js';
import { slowStartBatch } from './slow-start.js';
import { omitZero, sameJson, statusMergePatch } from './status-fields.js';

/** Kubernetes' BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;
/**
 * What the controller keeps replicas of: ReplicaSets, or legacy ReplicationControllers,
 * which upstream runs through the same controller (their selector is a plain label map).
 */
interface ReplicatedKind {
  spec: KindSpec;
  apiVersion: string;
  kind: string;
  /** The controller's name, and the component its Events come from. */
  name: string;
  component: string;
  selector(obj: ReplicaSet): LabelSelector;
}

const REPLICA_SET: ReplicatedKind = { spec: ReplicaSetKind, apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'replicaset', component: 'replicaset-controller', selector: (rs) => selectorOf(rs) };
const REPLICATION_CONTROLLER: ReplicatedKind = {
  spec: ReplicationControllerKind,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  name: 'replicationcontroller',
  component: 'replication-controller',
  selector: (rc) => {
    const sel = rc.spec?.selector as Record<string, string> | undefined;
    // An empty selector selects nothing (the server defaults it from the template labels).
    return sel && Object.keys(sel).length > 0 ? LabelSelector.fromSet(sel) : LabelSelector.nothing();
  },
};

/** The ReplicaSet controller: keeps spec.replicas pods matching the selector. */
export const replicaSetController: ControllerDescriptor = {
  name: 'replicaset',
  create: (ctx) => newReplicaSetController(ctx),
};

/** The ReplicationController controller: the same, for the legacy core/v1 kind. */
export const replicationControllerController: ControllerDescriptor = {
  name: 'replicationcontroller',
  create: (ctx) => newReplicaSetController(ctx, REPLICATION_CONTROLLER),
};

export function newReplicaSetController(ctx: ControllerContext, of: ReplicatedKind = REPLICA_SET): RunningController & { expectations: Expectations } {
  const rsInformer = ctx.informers.informerFor<ReplicaSet>(of.spec);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const pods = ctx.client.resource<Pod>(PodKind);
  const replicaSets = ctx.client.resource<ReplicaSet>(of.spec);
  const recorder = ctx.recorder(of.component);
  const expectations = new Expectations({ clock: ctx.clock });
  const involved = { kind: of.kind, apiVersion: of.apiVersion };

  observeOwnedPods(podInformer, expectations, of.kind);

  /** Orphans wake every ReplicaSet in their namespace whose selector matches (to adopt). */
  const podKeys = (pod: Pod): string[] => {
    const k = controllerOwnerKey(pod, of.kind);
    if (k) return [k];
    if (controllerRef(pod)) return [];
    const out: string[] = [];
    for (const rs of rsInformer.indexer.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')) {
      if (of.selector(rs).matches(pod.metadata?.labels)) out.push(objectKey(rs));
    }
    return out;
  };

  const reconcile = async (key: string) => {
    const rs = rsInformer.indexer.get(key);
    if (!rs) {
      expectations.delete(key);
      return;
    }
    const { namespace } = splitKey(key);
    const selector = of.selector(rs);
    const all = podInformer.indexer.byIndex(NAMESPACE_INDEX, namespace).filter(isPodActive);
    const owned = await claimObjects<Pod>(all, {
      owner: rs,
      ownerApiVersion: of.apiVersion,
      ownerKind: of.kind,
      selector,
      dependents: pods,
      canAdopt: async () => {
        try {
          const live = await replicaSets.get(rs.metadata?.name ?? '', { namespace });
          return live.metadata?.uid === rs.metadata?.uid && !live.metadata?.deletionTimestamp;
        } catch (err) {
          if (isNotFound(err)) return false;
          throw err;
        }
      },
      onError: (err, pod) => ctx.log.warn('cannot adopt or release pod', { controller: of.name, key, pod: objectKey(pod), error: err }),
    });

    let manageErr: unknown;
    if (expectations.satisfied(key) && !rs.metadata?.deletionTimestamp) {
      try {
        await manageReplicas(owned, rs, key);
      } catch (err) {
        manageErr = err;
      }
    }
    const now = ctx.clock.now();
    const status = computeReplicaSetStatus(rs, owned, manageErr, now);
    await updateStatusIfChanged(rs, status);
    if (manageErr) throw manageErr;
    const minReady = rs.spec?.minReadySeconds ?? 0;
    let wait: number | undefined;
    for (const p of owned) {
      const ms = msUntilAvailable(p, minReady, now);
      if (ms !== undefined) wait = Math.min(wait ?? ms, ms);
    }
    return wait !== undefined ? { requeueAfterMs: wait + 50 } : undefined;
  };

  async function manageReplicas(owned: Pod[], rs: ReplicaSet, key: string): Promise<void> {
    const want = rs.spec?.replicas ?? 1;
    const diff = owned.length - want;
    const namespace = rs.metadata?.namespace ?? '';
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      expectations.expectCreations(key, n);
      const { created, error } = await slowStartBatch(n, 1, async () => {
        try {
          const pod = await pods.create(podFromTemplate(rs, of), { namespace });
          // One event per pod, named as the server generated it (RealPodControl.createPods).
          recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`, involved);
        } catch (err) {
          if (err instanceof ApiError && err.status.code === 403 && /being terminated/.test(err.message)) return; // namespace going away
          recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`, involved);
          throw err;
        }
        return;
      });
      // Creates that failed or never ran will never be observed.
      if (created < n) expectations.creationObserved(key, n - created);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const victims = podsToDelete(owned, Math.min(diff, BURST_REPLICAS));
      expectations.expectDeletions(key, victims.map(objectKey));
      const errors: unknown[] = [];
      await Promise.all(
        victims.map(async (p) => {
          try {
            await pods.delete(p.metadata?.name ?? '', { namespace });
            recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name ?? ''}`, involved);
          } catch (err) {
            expectations.deletionObserved(key, objectKey(p));
            if (!isNotFound(err)) {
              errors.push(err);
              recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${err instanceof Error ? err.message : String(err)}`, involved);
            }
          }
        }),
      );
      if (errors.length) throw errors[0];
    }
  }

  async function updateStatusIfChanged(rs: ReplicaSet, status: NonNullable<ReplicaSet['status']>): Promise<void> {
    if (sameJson(normalizeStatus(rs.status), normalizeStatus(status))) return;
    // A merge patch of the whole status: it is computed from the cache as a whole, and a
    // spec change racing with it only means one more reconcile, not a conflict and backoff.
    // Fields gone from it (zero counters, conditions) are nulled so the server drops them.
    try {
      await replicaSets.subresource('status').patch(rs.metadata?.name ?? '', { status: statusMergePatch(rs.status, status, RS_OMITEMPTY) }, 'merge', { namespace: rs.metadata?.namespace ?? '' });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  const c = controller(of.name, { reconcile, workers: ctx.options.workers ?? 5, clock: ctx.clock, logger: ctx.log })
    .watches(rsInformer)
    .watches(podInformer, podKeys);
  return { start: () => c.start(), stop: () => c.stop(), expectations };
}

export function selectorOf(obj: { spec?: { selector?: unknown } }): LabelSelector {
  try {
    return LabelSelector.fromObject(obj.spec?.selector as never);
  } catch {
    return LabelSelector.nothing();
  }
}

/** A pod from the ReplicaSet's template, controlled by it (controller.GetPodFromTemplate). */
export function podFromTemplate(rs: ReplicaSet, owner: { apiVersion: string; kind: string } = REPLICA_SET): Pod {
  const tpl = rs.spec?.template ?? {};
  const meta = tpl.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata?.name ?? ''}-`,
      namespace: rs.metadata?.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(rs, owner.apiVersion, owner.kind)],
    },
    spec: structuredClone(tpl.spec ?? {}),
  } as Pod;
}

/** ReplicaSetStatus counters tagged omitempty (replicas is not: it is always printed). */
const RS_OMITEMPTY = ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'] as const;

/** Status from the owned active pods (calculateStatus in replica_set_utils.go). */
export function computeReplicaSetStatus(rs: ReplicaSet, owned: readonly Pod[], manageErr: unknown, now: number): NonNullable<ReplicaSet['status']> {
  const tplLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of owned) {
    if (labelsContain(p.metadata?.labels, tplLabels)) fully++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const status: NonNullable<ReplicaSet['status']> = {
    ...(rs.status?.conditions ? { conditions: structuredClone(rs.status.conditions) } : {}),
    replicas: owned.length,
    fullyLabeledReplicas: fully,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata?.generation ?? 0,
  };
  // ReplicaSetStatus: replicas is always printed; the other counters are omitempty.
  omitZero(status, RS_OMITEMPTY);
  const want = rs.spec?.replicas ?? 1;
  if (manageErr) {
    const reason = owned.length < want ? 'FailedCreate' : 'FailedDelete';
    setCondition(status, { type: 'ReplicaFailure', status: 'True', reason, message: manageErr instanceof Error ? manageErr.message : String(manageErr) }, now);
  } else {
    removeCondition(status, 'ReplicaFailure');
  }
  return status;
}

/** What a status write would change: the counters as stored (a zero differs from an omitted one), conditions without their times. */
function normalizeStatus(s: ReplicaSet['status']): unknown {
  return {
    replicas: s?.replicas,
    fullyLabeledReplicas: s?.fullyLabeledReplicas,
    readyReplicas: s?.readyReplicas,
    availableReplicas: s?.availableReplicas,
    observedGeneration: s?.observedGeneration,
    conditions: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]),
  };
}
