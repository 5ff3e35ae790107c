import type { Node } from '../../api/core/v1/node.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { FilterPlugin, ScorePlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { taintText, tolerated, type Taint, type Toleration } from '../helpers.js';
import { SUCCESS, unresolvable, type Status } from '../status.js';
import { defaultNormalizeScore } from './normalize.js';

export const TAINT_TOLERATION = 'TaintToleration';

/** The first NoSchedule/NoExecute taint the pod does not tolerate, if any. */
export function firstUntoleratedTaint(pod: Pod, node: Node): Taint | undefined {
  const taints = node.spec?.taints;
  if (!taints || taints.length === 0) return undefined;
  const tolerations = (pod.spec?.tolerations ?? []) as Toleration[];
  for (const t of (node.spec?.taints ?? []) as Taint[]) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!tolerated(tolerations, t)) return t;
  }
  return undefined;
}

export function taintTolerationFilter(pod: Pod, node: Node): Status {
  const t = firstUntoleratedTaint(pod, node);
  return t ? unresolvable(`node(s) had untolerated taint ${taintText(t)}`) : SUCCESS;
}

/** How many PreferNoSchedule taints the pod does not tolerate (fewer is better). */
export function intolerablePreferNoSchedule(pod: Pod, node: Node): number {
  const taints = node.spec?.taints;
  if (!taints || taints.length === 0) return 0;
  const tolerations = ((pod.spec?.tolerations ?? []) as Toleration[]).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  let n = 0;
  for (const t of (node.spec?.taints ?? []) as Taint[]) if (t.effect === 'PreferNoSchedule' && !tolerated(tolerations, t)) n++;
  return n;
}

export function taintToleration(): FilterPlugin & ScorePlugin {
  return {
    name: TAINT_TOLERATION,
    // Most nodes have no taints: answer from the NodeInfo without reading the Node.
    filter: (_s, pod, node) => (node.taints === undefined ? SUCCESS : taintTolerationFilter(pod, node.node)),
    score: (_s, pod, node) => (node.taints === undefined ? 0 : intolerablePreferNoSchedule(pod, node.node)),
    scoreAll: (_s, pod, nodes, out) => {
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as NodeInfo;
        out[i] = node.taints === undefined ? 0 : intolerablePreferNoSchedule(pod, node.node);
      }
    },
    normalizeScore: (_s, _p, scores) => defaultNormalizeScore(scores, true),
  };
}
