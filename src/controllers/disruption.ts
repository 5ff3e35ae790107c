import type { Deployment } from '../api/apps/v1/deployment.js';
import { DeploymentKind } from '../api/apps/v1/deployment.js';
import type { ReplicaSet } from '../api/apps/v1/replica-set.js';
import { ReplicaSetKind } from '../api/apps/v1/replica-set.js';
import type { StatefulSet } from '../api/apps/v1/stateful-set.js';
import { StatefulSetKind } from '../api/apps/v1/stateful-set.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { OwnerReference } from '../api/meta/v1/object-meta.js';
import type { PodDisruptionBudget } from '../api/policy/v1/pod-disruption-budget.js';
import { PodDisruptionBudgetKind } from '../api/policy/v1/pod-disruption-budget.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { controllerRef, objectKey } from '../client/object-key.js';
import { isConflict, isNotFound } from '../client/status-error.js';
import { LabelSelector } from '../machinery/label-selector.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { sameJson } from './status-fields.js';
import { scalableResource, type DiscoveryCache } from './scale-target.js';
import { countHealthy, desiredHealthyFor, disruptedPodsStillPending, expectedFromScale, failSafeStatus, goLabelSelectorString, nextPdbStatus, type PdbStatus } from './disruption-status.js';

/** Upstream's disruption controller records its events as this component. */
const COMPONENT = 'controllermanager';
const GVK = { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1' };

/**
 * The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's
 * status — currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed,
 * observedGeneration, disruptedPods and the DisruptionAllowed condition — in step with the
 * pods its selector matches, which is what `kubectl get pdb` shows and evictions consult.
 */
export const disruptionController: ControllerDescriptor = {
  name: 'disruption',
  create: (ctx) => newDisruptionController(ctx),
};

/** A pod's controller and its desired scale (controllerAndScale). */
interface ControllerScale {
  uid: string;
  scale: number;
}

const groupOf = (apiVersion: string | undefined): string => (apiVersion?.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const isKind = (ref: OwnerReference, kind: string, groups: readonly string[]): boolean => ref.kind === kind && groups.includes(groupOf(ref.apiVersion));

function selectorOf(pdb: PodDisruptionBudget): LabelSelector {
  return LabelSelector.fromObject(pdb.spec?.selector as never);
}

export function newDisruptionController(ctx: ControllerContext): RunningController {
  const pdbInformer = ctx.informers.informerFor<PodDisruptionBudget>(PodDisruptionBudgetKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const rsInformer = ctx.informers.informerFor<ReplicaSet>(ReplicaSetKind);
  const deployInformer = ctx.informers.informerFor<Deployment>(DeploymentKind);
  const stsInformer = ctx.informers.informerFor<StatefulSet>(StatefulSetKind);
  const pdbs = ctx.client.resource<PodDisruptionBudget>(PodDisruptionBudgetKind);
  const recorder = ctx.recorder(COMPONENT);

  /** Every budget in the pod's namespace whose selector matches it (a budget with a bad selector matches nothing). */
  const pdbKeysForPod = (pod: Pod): string[] => {
    const out: string[] = [];
    for (const pdb of pdbInformer.indexer.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')) {
      try {
        if (selectorOf(pdb).matches(pod.metadata?.labels)) out.push(objectKey(pdb));
      } catch {
        // an invalid selector selects no pods
      }
    }
    return out;
  };

  const reconcile = async (key: string) => {
    const pdb = pdbInformer.indexer.get(key);
    if (!pdb) return;
    try {
      return await trySync(pdb);
    } catch (err) {
      // A conflict only means our cache was behind: retry without the fail-safe.
      if (isConflict(err)) throw err;
      if (isNotFound(err)) return;
      ctx.log.warn('cannot sync PodDisruptionBudget; allowing no disruptions', { controller: 'disruption', key, error: err });
      const safe = failSafeStatus(pdb, err instanceof Error ? err.message : String(err), ctx.clock.now());
      // Written once: our own write comes back as an update, which must not write again.
      if (!sameJson(safe, pdb.status ?? {})) await writeStatus(pdb, safe);
      return;
    }
  };

  async function trySync(pdb: PodDisruptionBudget): Promise<{ requeueAfterMs: number } | undefined> {
    let pods: Pod[];
    try {
      const sel = selectorOf(pdb);
      pods = podInformer.indexer.byIndex(NAMESPACE_INDEX, pdb.metadata?.namespace ?? '').filter((p) => sel.matches(p.metadata?.labels));
    } catch (err) {
      recorder.event(pdb, 'Warning', 'NoPods', `Failed to get pods: ${err instanceof Error ? err.message : String(err)}`, GVK);
      throw err;
    }
    if (pods.length === 0) recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found', GVK);

    let expectedPods: number;
    let desiredHealthy: number;
    let unmanaged: string[] = [];
    try {
      if (expectedFromScale(pdb)) ({ expected: expectedPods, unmanaged } = await expectedScale(pods));
      else expectedPods = pods.length;
      desiredHealthy = desiredHealthyFor(pdb, expectedPods);
    } catch (err) {
      recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${err instanceof Error ? err.message : String(err)}`, GVK);
      throw err;
    }
    if (unmanaged.length > 0) {
      recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${goLabelSelectorString(pdb.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
        GVK,
      );
    }

    const now = ctx.clock.now();
    const { disrupted, expired, recheckAt } = disruptedPodsStillPending(pdb.status?.disruptedPods, pods, now);
    for (const pod of expired) {
      recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata?.namespace ?? ''}/${pdb.metadata?.name ?? ''} to be deleted but it wasn't`, { kind: 'Pod', apiVersion: 'v1' });
    }
    const currentHealthy = countHealthy(pods, disrupted, now);
    const status = nextPdbStatus(pdb, { currentHealthy, desiredHealthy, expectedPods, disruptedPods: disrupted }, now);
    if (status) await writeStatus(pdb, status);
    return recheckAt !== undefined ? { requeueAfterMs: Math.max(0, recheckAt - now) + 20 } : undefined;
  }

  /**
   * getExpectedScale: the sum of the desired scale of the controllers of the pods (each
   * counted once); pods with no controller are returned as unmanaged. Throws when a pod's
   * controller cannot be found or has no scale.
   */
  async function expectedScale(pods: readonly Pod[]): Promise<{ expected: number; unmanaged: string[] }> {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    const discovery: DiscoveryCache = new Map();
    for (const pod of pods) {
      const ref = controllerRef(pod);
      if (!ref) {
        unmanaged.push(pod.metadata?.name ?? '');
        continue;
      }
      if (scales.has(ref.uid ?? '')) continue;
      const ns = pod.metadata?.namespace ?? '';
      let found: ControllerScale | undefined;
      for (const finder of [deploymentOf, replicaSetOf, statefulSetOf]) {
        found = finder(ref, ns);
        if (found) break;
      }
      found ??= await scaleFromApi(ref, ns, discovery);
      if (!found) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata?.name ?? '')}`);
      scales.set(found.uid, found.scale);
    }
    let expected = 0;
    for (const n of scales.values()) expected += n;
    return { expected, unmanaged };
  }

  /** A ReplicaSet controlled by a Deployment: the Deployment's replicas (getPodDeployment). */
  function deploymentOf(ref: OwnerReference, ns: string): ControllerScale | undefined {
    if (!isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
    const rs = rsInformer.indexer.get(`${ns}/${ref.name ?? ''}`);
    if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
    const owner = controllerRef(rs);
    if (!owner || !isKind(owner, 'Deployment', ['apps', 'extensions'])) return undefined;
    const d = deployInformer.indexer.get(`${ns}/${owner.name ?? ''}`);
    if (!d || d.metadata?.uid !== owner.uid) return undefined;
    return { uid: d.metadata?.uid ?? '', scale: d.spec?.replicas ?? 1 };
  }

  /** A ReplicaSet of its own (not a Deployment's): its replicas (getPodReplicaSet). */
  function replicaSetOf(ref: OwnerReference, ns: string): ControllerScale | undefined {
    if (!isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
    const rs = rsInformer.indexer.get(`${ns}/${ref.name ?? ''}`);
    if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
    const owner = controllerRef(rs);
    if (owner?.kind === 'Deployment') return undefined;
    return { uid: rs.metadata?.uid ?? '', scale: rs.spec?.replicas ?? 1 };
  }

  function statefulSetOf(ref: OwnerReference, ns: string): ControllerScale | undefined {
    if (!isKind(ref, 'StatefulSet', ['apps'])) return undefined;
    const ss = stsInformer.indexer.get(`${ns}/${ref.name ?? ''}`);
    if (!ss || ss.metadata?.uid !== ref.uid) return undefined;
    return { uid: ss.metadata?.uid ?? '', scale: ss.spec?.replicas ?? 1 };
  }

  /**
   * Any other controller through its scale subresource, found by discovery
   * (getScaleController): undefined when it is gone or is another object by now; an error
   * when its kind is not served or has no scale subresource (a DaemonSet's or a Job's pods).
   */
  async function scaleFromApi(ref: OwnerReference, ns: string, discovery: DiscoveryCache): Promise<ControllerScale | undefined> {
    const { resource, namespaced } = await scalableResource(ctx.client, ref.apiVersion ?? '', ref.kind ?? '', discovery);
    let scale: { metadata?: { uid?: string }; spec?: { replicas?: number } };
    try {
      scale = await resource.subresource('scale').get(ref.name ?? '', namespaced ? { namespace: ns } : {});
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    if (scale.metadata?.uid !== ref.uid) return undefined;
    return { uid: ref.uid ?? '', scale: scale.spec?.replicas ?? 0 };
  }

  /** A PUT to the status subresource, as upstream's UpdateStatus: a stale resourceVersion is a conflict, retried. */
  async function writeStatus(pdb: PodDisruptionBudget, status: PdbStatus): Promise<void> {
    try {
      await pdbs.updateStatus({ ...pdb, status }, { namespace: pdb.metadata?.namespace ?? '' });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  const c = controller('disruption', { reconcile, workers: ctx.options.workers ?? 5, clock: ctx.clock, logger: ctx.log })
    .watches(pdbInformer)
    .watches(podInformer, pdbKeysForPod);
  // The owners' caches must be synced before expectedPods is worked out from them.
  for (const inf of [rsInformer, deployInformer, stsInformer]) c.watches(inf, () => []);
  // A pod relabelled out of a budget must leave its count too: the budgets its old labels matched.
  let unregister: (() => void) | undefined;
  return {
    start: async () => {
      unregister = podInformer.addEventHandler({ onUpdate: (old) => pdbKeysForPod(old).forEach((k) => c.enqueue(k)) });
      await c.start();
    },
    stop: async () => {
      unregister?.();
      await c.stop();
    },
  };
}

