import type { Pod } from '../../api/core/v1/pod.js';
import type { FilterPlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { tolerated, type Toleration } from '../helpers.js';
import { constantStatus, SUCCESS, type Status } from '../status.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_NODE_UNSCHEDULABLE = 'node(s) were unschedulable';
const REJECTED = constantStatus('UnschedulableAndUnresolvable', ERR_NODE_UNSCHEDULABLE, NODE_UNSCHEDULABLE);
const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** A cordoned node (spec.unschedulable) takes only pods tolerating the unschedulable taint. */
export function nodeUnschedulableFilter(pod: Pod, node: NodeInfo): Status {
  if (!node.unschedulable) return SUCCESS;
  if (tolerated((pod.spec?.tolerations ?? []) as Toleration[], UNSCHEDULABLE_TAINT)) return SUCCESS;
  return REJECTED;
}

export function nodeUnschedulable(): FilterPlugin {
  return { name: NODE_UNSCHEDULABLE, filter: (_s, pod, node) => nodeUnschedulableFilter(pod, node) };
}
