import type { Pod } from '../../api/core/v1/pod.js';
import type { FilterPlugin, PreFilterPlugin } from '../interfaces.js';
import { hostPorts, type NodeInfo } from '../node-info.js';
import { SKIP, SUCCESS, unschedulable, type Status } from '../status.js';

export const NODE_PORTS = 'NodePorts';
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** The wanted host ports that clash with ports in use on the node (0.0.0.0 clashes with every address). */
export function conflictingPorts(wanted: ReturnType<typeof hostPorts>, node: NodeInfo): string[] {
  const out: string[] = [];
  for (const w of wanted) {
    for (const used of node.usedPorts.keys()) {
      const [proto, ip, port] = used.split('/');
      if (proto !== w.protocol || Number(port) !== w.port) continue;
      if (ip === '0.0.0.0' || w.ip === '0.0.0.0' || ip === w.ip) {
        out.push(`${w.protocol}/${w.port}`);
        break;
      }
    }
  }
  return out;
}

export function nodePortsFilter(pod: Pod, node: NodeInfo): Status {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return SUCCESS;
  return conflictingPorts(wanted, node).length ? unschedulable(ERR_NODE_PORTS) : SUCCESS;
}

export function nodePorts(): PreFilterPlugin & FilterPlugin {
  return {
    name: NODE_PORTS,
    preFilter: (_s, pod) => ({ status: hostPorts(pod).length ? SUCCESS : SKIP }),
    filter: (_s, pod, node) => nodePortsFilter(pod, node),
  };
}
