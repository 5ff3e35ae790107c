import type { Node } from '../../api/core/v1/node.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../interfaces.js';
import { nodeMatchesPodNodeAffinity, termMatches, type NodeSelectorTerm } from '../helpers.js';
import { constantStatus, SUCCESS, SKIP, type Status } from '../status.js';
import { defaultNormalizeScore } from './normalize.js';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

const REJECTED = constantStatus('UnschedulableAndUnresolvable', ERR_NODE_AFFINITY, NODE_AFFINITY);

export function nodeAffinityFilter(pod: Pod, node: Node): Status {
  return nodeMatchesPodNodeAffinity(pod, node) ? SUCCESS : REJECTED;
}

/** Sum of the weights of the preferred terms the node matches. */
export function nodeAffinityScore(pod: Pod, node: Node): number {
  let total = 0;
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p.weight && p.preference && termMatches(p.preference as NodeSelectorTerm, node)) total += p.weight;
  }
  return total;
}

/**
 * Node names the pod could possibly use when every required term pins metadata.name
 * with `In` (undefined when it doesn't restrict names).
 */
export function requiredNodeNames(pod: Pod): Set<string> | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const t of terms) {
    const f = (t.matchFields ?? []).find((r) => r.key === 'metadata.name' && r.operator === 'In');
    if (!f) return undefined;
    for (const v of f.values ?? []) names.add(v);
  }
  return names;
}

export function nodeAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NODE_AFFINITY,
    preFilter: (_s, pod) => {
      const names = requiredNodeNames(pod);
      const hasAny = !!pod.spec?.nodeSelector || !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      return names ? { status: SUCCESS, nodeNames: names } : { status: hasAny ? SUCCESS : SKIP };
    },
    filter: (_s, pod, node) => nodeAffinityFilter(pod, node.node),
    preScore: (_s, pod) => (pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? SUCCESS : SKIP),
    score: (_s, pod, node) => nodeAffinityScore(pod, node.node),
    normalizeScore: (_s, _p, scores) => defaultNormalizeScore(scores, false),
  };
}
