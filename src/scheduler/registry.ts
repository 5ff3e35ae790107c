import type { PluginFactory } from './framework.js';
import type { BindFn } from './plugins/default-binder.js';
import { balancedAllocation } from './plugins/balanced-allocation.js';
import { defaultBinder } from './plugins/default-binder.js';
import { defaultPreemption, type PreemptionActions } from './plugins/default-preemption.js';
import { interPodAffinity } from './plugins/inter-pod-affinity.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodeName } from './plugins/node-name.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeResourcesFit, type NodeResourcesFitArgs } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpread, type PodTopologySpreadArgs } from './plugins/pod-topology-spread.js';
import { prioritySort } from './plugins/priority-sort.js';
import { taintToleration } from './plugins/taint-toleration.js';
import { volumeBinding, VOLUME_BINDING, type VolumeBindingIo, type VolumeListers } from './plugins/volume-binding.js';

/** kube-scheduler's default plugins, in its order (Filter stops at the first rejection, so order shapes the reasons). */
export const DEFAULT_PLUGINS: readonly string[] = [
  'PrioritySort',
  'NodeUnschedulable',
  'NodeName',
  'TaintToleration',
  'NodeAffinity',
  'NodePorts',
  'NodeResourcesFit',
  'VolumeBinding',
  'PodTopologySpread',
  'InterPodAffinity',
  'DefaultPreemption',
  'NodeResourcesBalancedAllocation',
  'DefaultBinder',
];

/** Every in-tree plugin by name. The I/O plugins get their API calls injected. */
export function inTreeRegistry(io: { bind: BindFn; preemption: PreemptionActions; volumes?: { listers: VolumeListers; io: VolumeBindingIo } }): Map<string, PluginFactory> {
  return new Map<string, PluginFactory>([
    ['PrioritySort', () => prioritySort()],
    ['NodeUnschedulable', () => nodeUnschedulable()],
    ['NodeName', () => nodeName()],
    ['TaintToleration', () => taintToleration()],
    ['NodeAffinity', () => nodeAffinity()],
    ['NodePorts', () => nodePorts()],
    ['NodeResourcesFit', ({ args }) => nodeResourcesFit(args as NodeResourcesFitArgs)],
    // Without volume listers (benchmarks, unit tests) the plugin has nothing to check.
    ['VolumeBinding', () => (io.volumes ? volumeBinding(io.volumes.listers, io.volumes.io) : { name: VOLUME_BINDING })],
    ['PodTopologySpread', ({ args }) => podTopologySpread(args as PodTopologySpreadArgs)],
    ['InterPodAffinity', ({ handle, args }) => interPodAffinity(handle, args as { hardPodAffinityWeight?: number })],
    ['DefaultPreemption', ({ handle, framework }) => defaultPreemption(handle, framework, io.preemption)],
    ['NodeResourcesBalancedAllocation', ({ args }) => balancedAllocation(args as { resources?: string[] })],
    ['DefaultBinder', () => defaultBinder(io.bind)],
  ]);
}
