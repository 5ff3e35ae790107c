/**
 * VolumeBinding, as kube-scheduler's plugin: a pod's PersistentVolumeClaims (and the claims
 * `<pod>-<volume>` of its generic ephemeral volumes, once their controller made them and
 * only when the pod owns them) decide where it may go. Missing or terminating claims and
 * unbound Immediate claims keep it Pending; bound volumes with node affinity admit only
 * their nodes; an unbound claim of a
 * WaitForFirstConsumer class is matched, per node, to a static volume reachable from it or
 * else left to its class's provisioner. After Reserve, PreBind writes those choices (the
 * claimRef of a static volume, or the claim's `volume.kubernetes.io/selected-node`) and
 * waits until every claim is bound before the pod itself is bound.
 */
import { ephemeralClaimNotOwned, podClaimVolumes } from '../../api/core/v1/ephemeral-volume.js';
import type { Node } from '../../api/core/v1/node.js';
import type { PersistentVolume } from '../../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/persistent-volume-claim.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { StorageClass } from '../../api/storage/v1/storage-class.js';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE, claimClass, findMatchingVolume, volumeFitsNode } from '../../controllers/pv-matching.js';
import type { CycleState } from '../cycle-state.js';
import type { FilterPlugin, PreBindPlugin, PreFilterPlugin, ReservePlugin } from '../interfaces.js';
import { errorStatus, SKIP, SUCCESS, unresolvable, type Status } from '../status.js';

export const VOLUME_BINDING = 'VolumeBinding';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** What the plugin reads: the scheduler's informer caches. */
export interface VolumeListers {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): readonly PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
}

/** What the plugin writes, and how it learns that the binder finished. */
export interface VolumeBindingIo {
  /** Sets the claim's selected-node annotation (for its provisioner). */
  selectNode(claim: PersistentVolumeClaim, nodeName: string): Promise<void>;
  /** Pre-binds a static volume to the claim (spec.claimRef); the binder completes it. */
  prebind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void>;
  /** Resolves once every named claim (`ns/name`) is fully bound; rejects on timeout. */
  waitBound(claims: readonly string[]): Promise<void>;
}

interface PodVolumes {
  boundVolumes: PersistentVolume[];
  /** Unbound claims of WaitForFirstConsumer classes. */
  delayed: PersistentVolumeClaim[];
  all: string[];
}
interface NodeDecision {
  prebind: Array<{ volume: PersistentVolume; claim: PersistentVolumeClaim }>;
  provision: PersistentVolumeClaim[];
}
const STATE = 'VolumeBinding/podVolumes';
const DECISIONS = 'VolumeBinding/decisions';
const CHOSEN = 'VolumeBinding/chosen';

/** Fully bound as the binder leaves a claim: a volume name and bind-completed. */
export function claimFullyBound(c: PersistentVolumeClaim): boolean {
  return !!c.spec?.volumeName && c.metadata?.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

/** PreFilter's classification of the pod's claims, or the status that keeps it Pending. */
export function podVolumes(pod: Pod, listers: VolumeListers): PodVolumes | Status {
  const ns = pod.metadata?.namespace ?? 'default';
  const out: PodVolumes = { boundVolumes: [], delayed: [], all: [] };
  let unboundImmediate = false;
  for (const { claimName: name, ephemeral } of podClaimVolumes(pod)) {
    const c = listers.claim(ns, name);
    if (!c) return unresolvable(ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found`);
    if (c.metadata?.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
    // An ephemeral volume's claim must be the pod's own, never an unrelated claim of the same name.
    const notOwned = ephemeral ? ephemeralClaimNotOwned(pod, c) : undefined;
    if (notOwned) return unresolvable(notOwned);
    out.all.push(`${ns}/${name}`);
    if (claimFullyBound(c)) {
      const pv = listers.volume(c.spec?.volumeName ?? '');
      if (!pv) return unresolvable(`persistentvolume "${c.spec?.volumeName}" not found`);
      out.boundVolumes.push(pv);
      continue;
    }
    const cls = listers.storageClass(claimClass(c));
    if (cls?.volumeBindingMode === 'WaitForFirstConsumer' && !c.spec?.volumeName) out.delayed.push(c);
    else unboundImmediate = true;
  }
  if (unboundImmediate) return unresolvable(ERR_UNBOUND_IMMEDIATE);
  return out;
}

/** Filter's answer for one node: where each delayed claim would come from, or a rejection. */
export function decideForNode(pv: PodVolumes, node: Node, listers: VolumeListers): NodeDecision | Status {
  for (const v of pv.boundVolumes) if (!volumeFitsNode(v, node)) return unresolvable(ERR_NODE_CONFLICT);
  const decision: NodeDecision = { prebind: [], provision: [] };
  const taken = new Set<string>();
  const volumes = listers.volumes();
  for (const c of pv.delayed) {
    const match = findMatchingVolume(c, volumes, { node, delayBinding: true, excluded: taken });
    if (match) {
      taken.add(match.metadata?.name ?? '');
      decision.prebind.push({ volume: match, claim: c });
      continue;
    }
    const cls = listers.storageClass(claimClass(c));
    if (!cls || cls.provisioner === NO_PROVISIONER || !topologyAllows(cls, node)) return unresolvable(ERR_BIND_CONFLICT);
    decision.provision.push(c);
  }
  return decision;
}

/** allowedTopologies: no terms allow every node; else some term's every label requirement holds. */
function topologyAllows(cls: StorageClass, node: Node): boolean {
  const terms = cls.allowedTopologies ?? [];
  if (terms.length === 0) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((r) => (r.values ?? []).includes(labels[r.key ?? ''] ?? '\u0000')));
}

export function volumeBinding(listers: VolumeListers, io: VolumeBindingIo): PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin {
  const decisions = (state: CycleState) => {
    let m = state.read<Map<string, NodeDecision>>(DECISIONS);
    if (!m) state.write(DECISIONS, (m = new Map()));
    return m;
  };
  return {
    name: VOLUME_BINDING,
    preFilter(state, pod) {
      const r = podVolumes(pod, listers);
      if ('code' in r) return { status: r };
      if (r.all.length === 0) return { status: SKIP };
      state.write(STATE, r);
      return { status: SUCCESS };
    },
    filter(state, _pod, node) {
      const pv = state.read<PodVolumes>(STATE);
      if (!pv) return SUCCESS;
      const d = decideForNode(pv, node.node, listers);
      if ('code' in d) return d;
      decisions(state).set(node.name, d);
      return SUCCESS;
    },
    reserve(state, _pod, nodeName) {
      const d = state.read<Map<string, NodeDecision>>(DECISIONS)?.get(nodeName);
      if (d) state.write(CHOSEN, d);
      return SUCCESS;
    },
    unreserve(state) {
      state.write(CHOSEN, undefined);
    },
    async preBind(state, _pod, nodeName) {
      const pv = state.read<PodVolumes>(STATE);
      if (!pv) return SUCCESS;
      const d = state.read<NodeDecision>(CHOSEN);
      try {
        for (const { volume, claim } of d?.prebind ?? []) await io.prebind(volume, claim);
        for (const c of d?.provision ?? []) if (c.metadata?.annotations?.[ANN_SELECTED_NODE] !== nodeName) await io.selectNode(c, nodeName);
        await io.waitBound(pv.all);
        return SUCCESS;
      } catch (err) {
        return errorStatus(`binding volumes: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}
