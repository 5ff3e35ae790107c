import type { Node } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { NodeInfo } from './node-info.js';

/** Builders for scheduler tests: plain objects, only the fields a test cares about. */
export interface PodOpts {
  name?: string;
  ns?: string;
  cpu?: string;
  memory?: string;
  requests?: Record<string, string>;
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
}

export function mkPod(o: PodOpts = {}): Pod {
  const requests: Record<string, string> = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}), ...(o.requests ?? {}) };
  return {
    metadata: { name: o.name ?? 'p', namespace: o.ns ?? 'default', ...(o.labels ? { labels: o.labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'i', ...(Object.keys(requests).length ? { resources: { requests } } : {}) }], ...(o.spec ?? {}) },
  } as Pod;
}

export interface NodeOpts {
  name?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  unschedulable?: boolean;
}

export function mkNode(o: NodeOpts = {}): Node {
  const name = o.name ?? 'n';
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: alloc, allocatable: alloc },
  } as Node;
}

/** A NodeInfo for `node` holding `pods` (their nodeName is set to the node). */
export function mkNodeInfo(node: NodeOpts = {}, pods: Pod[] = []): NodeInfo {
  const ni = new NodeInfo(mkNode(node));
  for (const p of pods) ni.addPod({ ...p, spec: { ...p.spec, nodeName: ni.name } } as Pod);
  return ni;
}
