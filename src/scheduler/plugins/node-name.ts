import type { Pod } from '../../api/core/v1/pod.js';
import type { FilterPlugin, PreFilterPlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { SKIP, SUCCESS, unresolvable, type Status } from '../status.js';

export const NODE_NAME = 'NodeName';
export const ERR_NODE_NAME = "node(s) didn't match the requested node name";

/** A pod naming a node in spec.nodeName fits only that node. */
export function nodeNameFilter(pod: Pod, node: NodeInfo): Status {
  const want = pod.spec?.nodeName;
  return !want || want === node.name ? SUCCESS : unresolvable(ERR_NODE_NAME);
}

export function nodeName(): PreFilterPlugin & FilterPlugin {
  return {
    name: NODE_NAME,
    // A pod without spec.nodeName fits every node: no need to ask node by node.
    preFilter: (_s, pod) => ({ status: pod.spec?.nodeName ? SUCCESS : SKIP }),
    filter: (_s, pod, node) => nodeNameFilter(pod, node),
  };
}
