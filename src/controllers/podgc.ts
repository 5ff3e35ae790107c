import type { Node } from '../api/core/v1/node.js';
import { NodeKind } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { controller } from '../client/controller.js';
import { isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';

export const DEFAULT_TERMINATED_POD_GC_THRESHOLD = 12500;
const KEY = 'podgc';

/** The terminated pods to delete: the oldest beyond the threshold (gcTerminated). */
export function terminatedPodsToDelete(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const done = pods.filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
  const excess = done.length - threshold;
  if (excess <= 0) return [];
  return [...done]
    .sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .slice(0, excess);
}

/**
 * Pod garbage collection: terminated pods beyond --terminated-pod-gc-threshold (oldest
 * first), pods bound to nodes that no longer exist (force-deleted, grace 0, after a live
 * check of the node), and terminating pods that were never scheduled.
 */
export const podGcController: ControllerDescriptor = {
  name: 'podgc',
  create: (ctx) => newPodGcController(ctx),
};

export function newPodGcController(ctx: ControllerContext): RunningController {
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const nodeInformer = ctx.informers.informerFor<Node>(NodeKind);
  const pods = ctx.client.resource<Pod>(PodKind);
  const nodes = ctx.client.resource<Node>(NodeKind);
  const threshold = ctx.options.terminatedPodGcThreshold ?? DEFAULT_TERMINATED_POD_GC_THRESHOLD;
  const period = ctx.options.resyncPeriodMs ?? 20_000;

  const forceDelete = async (p: Pod): Promise<void> => {
    try {
      await pods.delete(p.metadata?.name ?? '', { namespace: p.metadata?.namespace ?? '', gracePeriodSeconds: 0, preconditions: { uid: p.metadata?.uid ?? '' } });
      ctx.log.info('pod garbage collected', { controller: 'podgc', key: `${p.metadata?.namespace}/${p.metadata?.name}` });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  const reconcile = async () => {
    const all = podInformer.indexer.list();
    for (const p of terminatedPodsToDelete(all, threshold)) await forceDelete(p);
    const gone = new Map<string, boolean>();
    for (const p of all) {
      const node = p.spec?.nodeName;
      if (!node) {
        if (p.metadata?.deletionTimestamp) await forceDelete(p);
        continue;
      }
      if (nodeInformer.indexer.get(node)) continue;
      let absent = gone.get(node);
      if (absent === undefined) {
        try {
          await nodes.get(node);
          absent = false;
        } catch (err) {
          if (!isNotFound(err)) throw err;
          absent = true;
        }
        gone.set(node, absent);
      }
      if (absent) await forceDelete(p);
    }
    return { requeueAfterMs: period };
  };

  const c = controller('podgc', { reconcile, workers: 1, clock: ctx.clock, logger: ctx.log })
    .watches(nodeInformer, () => KEY)
    .watches(podInformer, (p) => (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' || (p.metadata?.deletionTimestamp && !p.spec?.nodeName) ? KEY : undefined));
  return {
    start: async () => {
      await c.start();
      c.enqueue(KEY);
    },
    stop: () => c.stop(),
  };
}
