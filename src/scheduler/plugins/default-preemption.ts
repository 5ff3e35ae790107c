import type { Pod } from '../../api/core/v1/pod.js';
import type { CycleState } from '../cycle-state.js';
import type { Framework } from '../framework.js';
import type { Handle, PostFilterPlugin, PostFilterResult } from '../interfaces.js';
import { podKey, type NodeInfo } from '../node-info.js';
import { isTerminating } from '../helpers.js';
import { histogram } from '../explain.js';
import { unschedulable, type Status } from '../status.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface Candidate {
  nodeName: string;
  victims: Pod[];
}

/**
 * The fewest lower-priority pods to evict from `node` so `pod` fits: remove every
 * lower-priority pod, check the pod fits, then give back (highest priority first) each
 * victim whose return still leaves room. Undefined when even evicting all does not help.
 */
export function selectVictimsOnNode(pod: Pod, node: NodeInfo, priorityOf: (p: Pod) => number, fits: (n: NodeInfo) => boolean): Pod[] | undefined {
  const prio = priorityOf(pod);
  const sim = node.clone();
  const lower = [...node.pods.values()].filter((p) => priorityOf(p) < prio && !isTerminating(p));
  if (lower.length === 0) return undefined;
  for (const p of lower) sim.removePod(podKey(p));
  if (!fits(sim)) return undefined;
  lower.sort((a, b) => priorityOf(b) - priorityOf(a));
  const victims: Pod[] = [];
  for (const p of lower) {
    sim.addPod(p);
    if (!fits(sim)) {
      sim.removePod(podKey(p));
      victims.push(p);
    }
  }
  return victims;
}

/** kube's pickOneNodeForPreemption: lowest highest-victim priority, then lowest priority sum, then fewest victims. */
export function pickCandidate(cands: Candidate[], priorityOf: (p: Pod) => number): Candidate | undefined {
  const keyOf = (c: Candidate): [number, number, number] => [
    Math.max(...c.victims.map(priorityOf), -Infinity),
    c.victims.reduce((s, v) => s + priorityOf(v) + 2_147_483_648, 0),
    c.victims.length,
  ];
  let best: Candidate | undefined;
  let bestKey: [number, number, number] | undefined;
  for (const c of cands) {
    const k = keyOf(c);
    if (!bestKey || k[0] < bestKey[0] || (k[0] === bestKey[0] && (k[1] < bestKey[1] || (k[1] === bestKey[1] && k[2] < bestKey[2])))) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

export interface PreemptionActions {
  /** Deletes a victim (the scheduler's client). */
  evict(victim: Pod, preemptor: Pod): Promise<void>;
  /** Records status.nominatedNodeName on the preemptor. */
  nominate(pod: Pod, nodeName: string): Promise<void>;
}

export function defaultPreemption(handle: Handle, framework: Framework, actions: PreemptionActions): PostFilterPlugin {
  return {
    name: DEFAULT_PREEMPTION,
    async postFilter(state: CycleState, pod: Pod, statuses: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
      if (pod.spec?.preemptionPolicy === 'Never') return { status: unschedulable('preemption: not eligible due to preemptionPolicy=Never.') };
      const prio = handle.priorityOf(pod);
      const reasons: string[] = [];
      const cands: Candidate[] = [];
      for (const node of handle.nodeInfos()) {
        const st = statuses.get(node.name);
        if (!st || st.code === 'UnschedulableAndUnresolvable') {
          reasons.push(NOT_HELPFUL);
          continue;
        }
        const victims = selectVictimsOnNode(pod, node, (p) => (p === pod ? prio : handle.priorityOf(p)), (n) => framework.runFilters(state, pod, n).code === 'Success');
        if (!victims || victims.length === 0) reasons.push(NO_VICTIMS);
        else cands.push({ nodeName: node.name, victims });
      }
      const best = pickCandidate(cands, (p) => handle.priorityOf(p));
      if (!best) {
        const n = handle.nodeInfos().length;
        return { status: unschedulable(`preemption: 0/${n} nodes are available: ${histogram(reasons).join(', ')}.`) };
      }
      await actions.nominate(pod, best.nodeName);
      await Promise.all(best.victims.map((v) => actions.evict(v, pod)));
      return { status: unschedulable(`preemption: nominated node ${best.nodeName}, evicting ${best.victims.length} lower-priority pod(s)`), nominatedNodeName: best.nodeName };
    },
  };
}
