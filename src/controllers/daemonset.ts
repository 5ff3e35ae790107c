import type { ControllerRevision } from '../api/apps/v1/controller-revision.js';
import { ControllerRevisionKind } from '../api/apps/v1/controller-revision.js';
import type { DaemonSet } from '../api/apps/v1/daemon-set.js';
import { DaemonSetKind } from '../api/apps/v1/daemon-set.js';
import { intOrPercentValue } from '../api/apps/v1/int-or-percent.js';
import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { controllerRef, objectKey, splitKey } from '../client/object-key.js';
import { isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { REVISION_HASH_LABEL, syncRevisions } from './controller-revisions.js';
import { daemonPodNode, nodeShouldRunDaemonPod, pinToNode, withDaemonTolerations } from './daemonset-placement.js';
import { Expectations, observeOwnedPods } from './expectations.js';
import { newControllerRef } from './owner-refs.js';
import { isPodAvailable, isPodReady } from './pod-util.js';
import { selectorOf } from './replicaset.js';
import { omitZero, statusMergePatch } from './status-fields.js';

const COMPONENT = 'daemonset-controller';
const GVK = { kind: 'DaemonSet', apiVersion: 'apps/v1' };

/** The DaemonSet controller: one pod per eligible node, rolling updates bounded by maxUnavailable. */
export const daemonSetController: ControllerDescriptor = {
  name: 'daemonset',
  create: (ctx) => newDaemonSetController(ctx),
};

/** maxUnavailable resolved against the desired count (percent rounded up, as upstream), at least 1 when both are 0. */
export function resolveMaxUnavailable(ds: DaemonSet, desired: number): number {
  const raw = strategyOf(ds)?.rollingUpdate?.maxUnavailable ?? 1;
  const pct = typeof raw === 'string' && raw.endsWith('%');
  const v = pct ? Math.ceil((Number(raw.slice(0, -1)) / 100) * desired) : (intOrPercentValue(raw as number | string) ?? 1);
  return Math.max(v, desired > 0 && v === 0 ? 1 : 0);
}

/** DaemonSetStatus counters tagged omitempty (the four scheduling counts are always printed). */
const DS_OMITEMPTY = ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const;

type Strategy = { type?: string; rollingUpdate?: { maxUnavailable?: number | string } };
const strategyOf = (ds: DaemonSet): Strategy | undefined => ds.spec?.updateStrategy as Strategy | undefined;

export function newDaemonSetController(ctx: ControllerContext): RunningController {
  const dsInformer = ctx.informers.informerFor<DaemonSet>(DaemonSetKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const nodeInformer = ctx.informers.informerFor<Node>(NodeKind);
  const revInformer = ctx.informers.informerFor<ControllerRevision>(ControllerRevisionKind);
  const pods = ctx.client.resource<Pod>(PodKind);
  const daemonSets = ctx.client.resource<DaemonSet>(DaemonSetKind);
  const recorder = ctx.recorder(COMPONENT);
  const expectations = new Expectations({ clock: ctx.clock });

  observeOwnedPods(podInformer, expectations, 'DaemonSet');

  const reconcile = async (key: string) => {
    const ds = dsInformer.indexer.get(key);
    if (!ds) {
      expectations.delete(key);
      return;
    }
    if (ds.metadata?.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const now = ctx.clock.now();
    const selector = selectorOf(ds);
    const owned = podInformer.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => controllerRef(p)?.uid === ds.metadata?.uid && selector.matches(p.metadata?.labels));
    const { hash } = await syncRevisions({
      client: ctx.client,
      owner: ds,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'DaemonSet',
      existing: revInformer.indexer.byIndex(NAMESPACE_INDEX, namespace),
      inUse: new Set(owned.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL] ?? '')),
      ...(ds.spec?.template?.metadata?.labels ? { labels: ds.spec.template.metadata.labels } : {}),
    });

    const template = { metadata: ds.spec?.template?.metadata ?? {}, spec: ds.spec?.template?.spec ?? {} } as Pod;
    const byNode = new Map<string, Pod[]>();
    for (const p of owned) {
      if (p.metadata?.deletionTimestamp) continue;
      const n = daemonPodNode(p) ?? '';
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const toCreate: string[] = [];
    const toDelete: Pod[] = [];
    const st = { desired: 0, current: 0, misscheduled: 0, ready: 0, updated: 0, available: 0 };
    const oldAvailable: Pod[] = [];
    const oldUnavailable: Pod[] = [];
    for (const node of nodeInformer.indexer.list()) {
      const name = node.metadata?.name ?? '';
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(template, node);
      const here = (byNode.get(name) ?? []).sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
      byNode.delete(name);
      if (shouldRun) st.desired++;
      if (here.length > 0 && !shouldRun) st.misscheduled++;
      if (!shouldContinueRunning) {
        toDelete.push(...here);
        continue;
      }
      if (!shouldRun && here.length === 0) continue;
      // Failed pods are deleted and replaced on a later sync.
      const failed = here.filter((p) => p.status?.phase === 'Failed');
      toDelete.push(...failed);
      const alive = here.filter((p) => p.status?.phase !== 'Failed');
      if (alive.length === 0) {
        if (shouldRun) toCreate.push(name);
        continue;
      }
      toDelete.push(...alive.slice(1)); // one pod per node: the oldest stays
      const p = alive[0]!;
      if (shouldRun) st.current++;
      if (isPodReady(p)) st.ready++;
      const available = isPodAvailable(p, minReady, now);
      if (available) st.available++;
      if (p.metadata?.labels?.[REVISION_HASH_LABEL] === hash) st.updated++;
      else (available ? oldAvailable : oldUnavailable).push(p);
    }
    for (const rest of byNode.values()) toDelete.push(...rest); // pods for nodes that are gone

    if (strategyOf(ds)?.type !== 'OnDelete') {
      // Rolling update: unavailable old pods go at once; available ones while the budget lasts.
      toDelete.push(...oldUnavailable);
      const budget = resolveMaxUnavailable(ds, st.desired) - (st.desired - st.available);
      toDelete.push(...oldAvailable.slice(0, Math.max(0, budget)));
    }

    if (expectations.satisfied(key)) await manage(ds, key, hash, toCreate, toDelete);
    await writeStatus(ds, {
      desiredNumberScheduled: st.desired,
      currentNumberScheduled: st.current,
      numberMisscheduled: st.misscheduled,
      numberReady: st.ready,
      updatedNumberScheduled: st.updated,
      numberAvailable: st.available,
      numberUnavailable: Math.max(0, st.desired - st.available),
      observedGeneration: ds.metadata?.generation ?? 0,
    });
    return undefined;
  };

  async function manage(ds: DaemonSet, key: string, hash: string, nodesToCreate: readonly string[], toDelete: readonly Pod[]): Promise<void> {
    const namespace = ds.metadata?.namespace ?? '';
    const errors: unknown[] = [];
    if (nodesToCreate.length) expectations.expectCreations(key, nodesToCreate.length);
    await Promise.all(
      nodesToCreate.map(async (node) => {
        try {
          const pod = await pods.create(daemonPod(ds, node, hash), { namespace });
          recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`, GVK);
        } catch (err) {
          expectations.creationObserved(key);
          errors.push(err);
          recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`, GVK);
        }
      }),
    );
    if (toDelete.length && nodesToCreate.length === 0) expectations.expectDeletions(key, toDelete.map(objectKey));
    await Promise.all(
      toDelete.map(async (p) => {
        try {
          await pods.delete(p.metadata?.name ?? '', { namespace });
          recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name ?? ''}`, GVK);
        } catch (err) {
          expectations.deletionObserved(key, objectKey(p));
          if (!isNotFound(err)) errors.push(err);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  async function writeStatus(ds: DaemonSet, status: NonNullable<DaemonSet['status']>): Promise<void> {
    omitZero(status, DS_OMITEMPTY);
    const cur = (ds.status ?? {}) as Record<string, unknown>;
    if ([...Object.keys(status), ...DS_OMITEMPTY].every((k) => cur[k] === (status as Record<string, unknown>)[k])) return;
    try {
      await daemonSets.subresource('status').patch(ds.metadata?.name ?? '', { status: statusMergePatch(undefined, status, DS_OMITEMPTY) }, 'merge', { namespace: ds.metadata?.namespace ?? '' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const dsKeysForAll = (): string[] => dsInformer.indexer.list().map(objectKey);
  const c = controller('daemonset', { reconcile, workers: ctx.options.workers ?? 2, clock: ctx.clock, logger: ctx.log })
    .watches(dsInformer)
    .owns(podInformer, { kind: 'DaemonSet', group: 'apps' })
    .watches(nodeInformer, dsKeysForAll);
  return { start: () => c.start(), stop: () => c.stop() };
}

/** The daemon pod for one node: the template, the revision hash, default tolerations, pinned by node affinity. */
export function daemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const tpl = ds.spec?.template ?? {};
  const spec = structuredClone(tpl.spec ?? {}) as NonNullable<Pod['spec']>;
  spec.affinity = pinToNode(spec.affinity, node);
  spec.tolerations = withDaemonTolerations(spec.tolerations, spec.hostNetwork === true);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata?.name ?? ''}-`,
      namespace: ds.metadata?.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata?.generation ?? 1) },
      ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
    },
    spec,
  } as Pod;
}
