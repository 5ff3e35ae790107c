import type { Namespace } from '../api/core/v1/namespace.js';
import { NamespaceKind } from '../api/core/v1/namespace.js';
import { builtinGroupVersions } from '../api/registry.js';
import type { KindSpec } from '../api/schema/dsl.js';
import { controller } from '../client/controller.js';
import type { KubeObject } from '../client/object-key.js';
import { ApiError, isNotFound } from '../client/status-error.js';
import { setCondition } from './conditions.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';

/** The finalizer the namespace controller owns in spec.finalizers. */
export const KUBERNETES_FINALIZER = 'kubernetes';

/** Namespaced kinds whose objects are deleted with their namespace. */
export function namespacedKinds(groupVersions = builtinGroupVersions): KindSpec[] {
  const out: KindSpec[] = [];
  for (const gv of groupVersions) {
    for (const k of gv.kinds) {
      const verbs = k.verbs ?? ['list', 'delete'];
      // A version served by conversion holds no objects of its own: its storage version is listed.
      if (k.namespaced && !k.conversion && verbs.includes('list') && verbs.includes('delete')) out.push(k);
    }
  }
  return out;
}

/**
 * The namespace lifecycle controller: a namespace being deleted has everything in it
 * deleted (every namespaced kind), its deletion conditions kept current, and — once
 * empty — the `kubernetes` finalizer removed through the `finalize` subresource, which
 * lets the API server drop the namespace.
 */
export const namespaceController: ControllerDescriptor = {
  name: 'namespace',
  create: (ctx) => newNamespaceController(ctx),
};

export function newNamespaceController(ctx: ControllerContext, kinds: readonly KindSpec[] = namespacedKinds()): RunningController {
  const informer = ctx.informers.informerFor<Namespace>(NamespaceKind);
  const namespaces = ctx.client.resource<Namespace>(NamespaceKind);

  const reconcile = async (name: string) => {
    const cached = informer.indexer.get(name);
    if (!cached?.metadata?.deletionTimestamp) return;
    if (!(cached.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
    const now = ctx.clock.now();
    const remaining: string[] = [];
    const failures: string[] = [];
    let finalizersLeft = 0;
    for (const spec of kinds) {
      const client = ctx.client.resource<KubeObject>(spec);
      const resource = spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
      try {
        const list = await client.list({ namespace: name });
        if (list.items.length === 0) continue;
        const deleteEach = async (): Promise<void> => {
          await Promise.all(
            list.items
              .filter((o) => !o.metadata?.deletionTimestamp)
              .map((o) => client.delete(o.metadata?.name ?? '', { namespace: name, propagationPolicy: 'Background' }).catch((err: unknown) => {
                if (!isNotFound(err)) throw err;
              })),
          );
        };
        const verbs = spec.verbs ?? ['deletecollection'];
        if (verbs.includes('deletecollection')) {
          try {
            await client.deleteCollection({ namespace: name, propagationPolicy: 'Background' });
          } catch {
            await deleteEach();
          }
        } else {
          await deleteEach();
        }
        const after = await client.list({ namespace: name });
        if (after.items.length > 0) {
          remaining.push(`${resource} has ${after.items.length} resource instances`);
          finalizersLeft += after.items.filter((o) => (o.metadata?.finalizers ?? []).length > 0).length;
        }
      } catch (err) {
        failures.push(`${resource}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const ns = structuredClone(cached);
    const status = (ns.status ??= {});
    status.phase = 'Terminating';
    const cond = (type: string, bad: boolean, reason: string, okReason: string, message: string) =>
      setCondition(status, bad ? { type, status: 'True', reason, message } : { type, status: 'False', reason: okReason, message }, now);
    cond('NamespaceDeletionDiscoveryFailure', false, 'DiscoveryFailed', 'ResourcesDiscovered', 'All resources successfully discovered');
    cond('NamespaceDeletionGroupVersionParsingFailure', false, 'GroupVersionParsingFailed', 'ParsedGroupVersions', 'All legacy kube types successfully parsed');
    cond('NamespaceDeletionContentFailure', failures.length > 0, 'ContentDeletionFailed', 'ContentDeleted', failures.length ? `Failed to delete all resource types, ${failures.length} remaining: ${failures.join(', ')}` : 'All content successfully deleted, may be waiting on finalization');
    cond('NamespaceContentRemaining', remaining.length > 0, 'SomeResourcesRemain', 'ContentRemoved', remaining.length ? `Some resources are remaining: ${remaining.join(', ')}` : 'All content successfully removed');
    cond('NamespaceFinalizersRemaining', finalizersLeft > 0, 'SomeFinalizersRemain', 'ContentHasNoFinalizers', finalizersLeft ? `Some content in the namespace has finalizers remaining: ${finalizersLeft} objects` : 'All content-preserving finalizers finished');
    if (JSON.stringify(status.conditions) !== JSON.stringify(cached.status?.conditions) || cached.status?.phase !== 'Terminating') {
      try {
        const updated = await namespaces.updateStatus(ns);
        ns.metadata = updated.metadata;
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
    if (remaining.length > 0 || failures.length > 0) return { requeueAfterMs: remaining.length ? 1000 : 5000 };
    (ns.spec ??= {}).finalizers = (ns.spec.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
    try {
      await namespaces.subresource('finalize').update(name, ns);
    } catch (err) {
      // No finalize subresource on this server (405, or 404 while the namespace exists): a plain update.
      const code = err instanceof ApiError ? err.status.code : 0;
      if (code !== 405 && !isNotFound(err)) throw err;
      if (isNotFound(err)) {
        try {
          await namespaces.get(name);
        } catch (e2) {
          if (isNotFound(e2)) return;
          throw e2;
        }
      }
      await namespaces.update(ns);
    }
    ctx.log.info('namespace finalized', { controller: 'namespace', key: name });
    return;
  };

  const c = controller('namespace', { reconcile, workers: 2, clock: ctx.clock, logger: ctx.log }).watches(informer);
  return { start: () => c.start(), stop: () => c.stop() };
}
