import { builtinGroupVersions } from '../api/registry.js';
import type { OwnerReference } from '../api/meta/v1/object-meta.js';
import type { KindSpec } from '../api/schema/dsl.js';
import { controller } from '../client/controller.js';
import { OWNER_UID_INDEX, byOwnerUid } from '../client/indexer.js';
import type { Informer } from '../client/informer.js';
import { objectKey, splitKey, type KubeObject } from '../client/object-key.js';
import type { ResourceClient } from '../client/resource-client.js';
import { isConflict, isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { ensureIndex } from './indexes.js';
import { removeOwnerReference } from './owner-refs.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Kinds never worth a graph node: they churn and nothing owns through them. */
const SKIP = new Set(['/events', 'events.k8s.io/events']);

/** Resources the collector watches: every built-in kind that can be listed, watched and deleted. */
export function collectableKinds(groupVersions = builtinGroupVersions): KindSpec[] {
  const out: KindSpec[] = [];
  for (const gv of groupVersions) {
    for (const k of gv.kinds) {
      const verbs = k.verbs ?? ['list', 'watch', 'delete'];
      if (!verbs.includes('list') || !verbs.includes('watch') || !verbs.includes('delete')) continue;
      if (SKIP.has(`${k.group}/${k.plural}`)) continue;
      if (k.conversion) continue; // another version of a kind listed in its storage version
      out.push(k);
    }
  }
  return out;
}

/** What the collector needs to know of a kind (a KindSpec, or a discovered custom resource). */
export interface GcKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

interface Node {
  spec: GcKind;
  informer: Informer<KubeObject>;
  client: ResourceClient<KubeObject>;
}

/** Queue key of one object: `<group>/<plural>|<namespace>/<name>`. */
function gcKey(spec: GcKind, obj: KubeObject): string {
  return `${spec.group}/${spec.plural}|${objectKey(obj)}`;
}

/**
 * The garbage collector: an ownerReferences graph over the informers of every kind.
 * - Background: an object whose owners are all gone (verified by a live GET, by UID) is
 *   deleted; dangling references beside a live owner are removed.
 * - Foreground: an owner with the `foregroundDeletion` finalizer gets its dependents
 *   deleted (blocking ones in foreground too) and loses the finalizer once no blocking
 *   dependent is left.
 * - Orphan: an owner with the `orphan` finalizer has its reference stripped from every
 *   dependent, then loses the finalizer.
 */
export const garbageCollectorController: ControllerDescriptor = {
  name: 'garbage-collector',
  create: (ctx) => newGarbageCollector(ctx),
};

export function newGarbageCollector(ctx: ControllerContext, kinds: readonly KindSpec[] = collectableKinds()): RunningController {
  const nodes = new Map<string, Node>(); // `${group}/${plural}` → node
  const byKind = new Map<string, Node>(); // `${apiVersion}/${kind}` → node
  const uids = new Map<string, string>(); // uid → gcKey
  const addKind = (spec: GcKind): void => {
    const informer = ctx.informers.informerFor<KubeObject>(spec);
    ensureIndex(informer, OWNER_UID_INDEX, byOwnerUid);
    const node: Node = { spec, informer, client: ctx.client.resource<KubeObject>(spec) };
    nodes.set(`${spec.group}/${spec.plural}`, node);
    byKind.set(`${spec.group ? `${spec.group}/` : ''}${spec.version}/${spec.kind}`, node);
    informer.addEventHandler({
      onAdd: (o) => o.metadata?.uid && uids.set(o.metadata.uid, gcKey(spec, o)),
      onUpdate: (_p, o) => o.metadata?.uid && uids.set(o.metadata.uid, gcKey(spec, o)),
      onDelete: (o) => o.metadata?.uid && uids.delete(o.metadata.uid),
    });
  };

  const dependentsOf = (uid: string): Array<{ node: Node; obj: KubeObject }> => {
    const out: Array<{ node: Node; obj: KubeObject }> = [];
    for (const node of nodes.values()) for (const obj of node.informer.indexer.byIndex(OWNER_UID_INDEX, uid)) out.push({ node, obj });
    return out;
  };

  /** An object's own key, its owners' (a dependent changed) and its dependents' (an owner changed or went). */
  const keysFor = (spec: GcKind) => (obj: KubeObject): string[] => {
    const keys = [gcKey(spec, obj)];
    for (const r of obj.metadata?.ownerReferences ?? []) {
      const k = r.uid ? uids.get(r.uid) : undefined;
      if (k) keys.push(k);
    }
    const uid = obj.metadata?.uid;
    if (uid) for (const d of dependentsOf(uid)) keys.push(gcKey(d.node.spec, d.obj));
    return keys;
  };

  /** Whether the owner exists with that UID — asked of the API server, never only the cache. */
  const ownerExists = async (ref: OwnerReference, namespace: string): Promise<boolean> => {
    const node = byKind.get(`${ref.apiVersion}/${ref.kind}`);
    if (!node) return true; // unknown kind: never delete on a guess
    const cachedKey = uids.get(ref.uid ?? '');
    if (cachedKey) return true;
    // A cluster-scoped object cannot be owned by a namespaced one: such a reference is dangling.
    if (node.spec.namespaced && !namespace) return false;
    try {
      const live = await node.client.get(ref.name ?? '', node.spec.namespaced ? { namespace } : {});
      return live.metadata?.uid === (ref.uid ?? '');
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };

  const removeFinalizer = async (node: Node, obj: KubeObject, finalizer: string): Promise<void> => {
    const fins = obj.metadata?.finalizers ?? [];
    if (!fins.includes(finalizer)) return;
    const ns = obj.metadata?.namespace;
    await node.client.patch(
      obj.metadata?.name ?? '',
      [
        { op: 'test', path: '/metadata/resourceVersion', value: obj.metadata?.resourceVersion ?? '' },
        { op: 'replace', path: '/metadata/finalizers', value: fins.filter((f) => f !== finalizer) },
      ],
      'json',
      ns ? { namespace: ns } : {},
    );
  };

  /** Drops one reference; the last one takes the field with it (an orphaned ReplicaSet has no `ownerReferences: []`). */
  const stripOwner = async (node: Node, obj: KubeObject, uid: string): Promise<void> => {
    await removeOwnerReference(node.client, obj, uid);
  };

  const deleteObj = async (node: Node, obj: KubeObject, policy: 'Background' | 'Foreground'): Promise<void> => {
    const ns = obj.metadata?.namespace;
    try {
      await node.client.delete(obj.metadata?.name ?? '', { ...(ns ? { namespace: ns } : {}), propagationPolicy: policy, preconditions: { uid: obj.metadata?.uid ?? '' } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  const reconcile = async (key: string) => {
    const bar = key.indexOf('|');
    const node = nodes.get(key.slice(0, bar));
    if (!node) return;
    const obj = node.informer.indexer.get(key.slice(bar + 1));
    if (!obj) return;
    const meta = obj.metadata ?? {};
    const uid = meta.uid ?? '';
    const fins = meta.finalizers ?? [];

    if (meta.deletionTimestamp && fins.includes(ORPHAN_FINALIZER)) {
      for (const d of dependentsOf(uid)) await stripOwner(d.node, d.obj, uid);
      await removeFinalizer(node, obj, ORPHAN_FINALIZER);
      return;
    }
    if (meta.deletionTimestamp && fins.includes(FOREGROUND_FINALIZER)) {
      const deps = dependentsOf(uid);
      let blocking = 0;
      for (const d of deps) {
        const ref = d.obj.metadata?.ownerReferences?.find((r) => r.uid === uid);
        if (ref?.blockOwnerDeletion) blocking++;
        if (!d.obj.metadata?.deletionTimestamp) await deleteObj(d.node, d.obj, ref?.blockOwnerDeletion ? 'Foreground' : 'Background');
      }
      if (blocking === 0) {
        await removeFinalizer(node, obj, FOREGROUND_FINALIZER);
        return;
      }
      // Dependents' deletions wake us; the requeue covers a dependent whose delete we did not see.
      return { requeueAfterMs: 5_000 };
    }

    const refs = meta.ownerReferences ?? [];
    if (refs.length === 0 || meta.deletionTimestamp) return;
    const ns = meta.namespace ?? '';
    const dangling: OwnerReference[] = [];
    let waitingForeground = false;
    for (const r of refs) {
      if (!(await ownerExists(r, ns))) {
        dangling.push(r);
        continue;
      }
      const k = uids.get(r.uid ?? '');
      if (k && r.blockOwnerDeletion) {
        const [np, rest] = [k.slice(0, k.indexOf('|')), k.slice(k.indexOf('|') + 1)];
        const owner = nodes.get(np)?.informer.indexer.get(rest);
        if (owner?.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) waitingForeground = true;
      }
    }
    if (dangling.length === refs.length) {
      await deleteObj(node, obj, waitingForeground ? 'Foreground' : 'Background');
      ctx.log.info('deleted dependent whose owners are gone', { controller: 'garbage-collector', key: splitKey(key.slice(bar + 1)).name, kind: node.spec.kind });
      return;
    }
    for (const r of dangling) await stripOwner(node, obj, r.uid ?? '');
    return;
  };

  const controllers: Array<ReturnType<typeof controller>> = [];
  let stopped = false;
  let timer: { cancel(): void } | undefined;

  /** A controller for a batch of kinds; kinds discovered later get their own (same reconcile, same graph). */
  const startFor = async (batch: readonly GcKind[]): Promise<void> => {
    for (const spec of batch) addKind(spec);
    const c = controller(controllers.length === 0 ? 'garbage-collector' : `garbage-collector-${controllers.length}`, { reconcile, workers: ctx.options.workers ?? 5, clock: ctx.clock, logger: ctx.log });
    for (const spec of batch) {
      const node = nodes.get(`${spec.group}/${spec.plural}`);
      if (node) c.watches(node.informer, keysFor(node.spec));
    }
    controllers.push(c);
    await c.start({ syncTimeoutMs: 120_000 });
  };

  /**
   * Custom resources (and anything else served but not built in) found through discovery,
   * as the upstream collector re-reads discovery periodically.
   */
  const discover = async (): Promise<GcKind[]> => {
    const found: GcKind[] = [];
    const groups = await ctx.client.request<{ groups?: Array<{ name: string; preferredVersion?: { groupVersion: string }; versions?: Array<{ groupVersion: string }> }> }>({ method: 'GET', path: '/apis' });
    for (const g of groups.groups ?? []) {
      const gv = g.preferredVersion?.groupVersion ?? g.versions?.[0]?.groupVersion;
      if (!gv || kinds.some((k) => k.group === g.name)) continue;
      try {
        const list = await ctx.client.request<{ resources?: Array<{ name: string; namespaced: boolean; kind: string; verbs?: string[] }> }>({ method: 'GET', path: `/apis/${gv}` });
        for (const r of list.resources ?? []) {
          if (r.name.includes('/') || nodes.has(`${g.name}/${r.name}`)) continue;
          const verbs = r.verbs ?? [];
          if (!verbs.includes('list') || !verbs.includes('watch') || !verbs.includes('delete')) continue;
          found.push({ group: g.name, version: gv.slice(gv.indexOf('/') + 1), plural: r.name, kind: r.kind, namespaced: r.namespaced });
        }
      } catch (err) {
        ctx.log.warn('garbage collector cannot read discovery', { controller: 'garbage-collector', groupVersion: gv, error: err });
      }
    }
    return found;
  };

  const rediscover = (): void => {
    timer = ctx.clock.setTimeout(() => {
      void (async () => {
        if (stopped) return;
        try {
          const extra = await discover();
          if (extra.length > 0 && !stopped) {
            ctx.log.info('garbage collector watches new kinds', { controller: 'garbage-collector', kinds: extra.map((k) => `${k.plural}.${k.group}`) });
            await startFor(extra);
          }
        } catch (err) {
          ctx.log.warn('garbage collector discovery failed', { controller: 'garbage-collector', error: err });
        }
        if (!stopped) rediscover();
      })();
    }, ctx.options.resyncPeriodMs ?? 30_000);
  };

  return {
    /**
     * Probes every kind with a one-item list and watches only the ones this server serves
     * to us (a kind it does not serve, or we may not list, would never sync and would hold
     * the whole collector back), then starts.
     */
    start: async () => {
      const usable = await Promise.all(
        kinds.map(async (spec) => {
          try {
            await ctx.client.resource(spec).list({ limit: 1 });
            return spec;
          } catch (err) {
            ctx.log.warn('garbage collector skips a kind it cannot list', { controller: 'garbage-collector', resource: `${spec.plural}.${spec.group}`, error: err });
            return undefined;
          }
        }),
      );
      if (stopped) return;
      const extra = await discover().catch(() => [] as GcKind[]);
      await startFor([...usable.filter((k): k is KindSpec => k !== undefined), ...extra]);
      rediscover();
    },
    stop: async () => {
      stopped = true;
      timer?.cancel();
      await Promise.all(controllers.map((c) => c.stop()));
    },
  };
}
