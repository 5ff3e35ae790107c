import type { Node } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { Taint } from './helpers.js';
import { nodeAllocatable, podRequests, type ResourceAmounts } from './resources.js';

/** `namespace/name` of a pod. */
export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Host ports a pod asks for, as `protocol/ip/port` ("0.0.0.0" when any address). */
export function hostPorts(pod: Pod): Array<{ protocol: string; ip: string; port: number }> {
  let out: Array<{ protocol: string; ip: string; port: number }> | undefined;
  // Without temporaries: this runs for every pod added to or removed from the cache.
  for (let pass = 0; pass < 2; pass++) {
    const list = pass === 0 ? pod.spec?.initContainers : pod.spec?.containers;
    if (!list) continue;
    for (const c of list) {
      const ports = c.ports;
      if (!ports) continue;
      for (const p of ports) {
        if (!p.hostPort) continue;
        (out ??= []).push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort });
      }
    }
  }
  return out ?? [];
}

export function hasRequiredAntiAffinity(pod: Pod): boolean {
  return (pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}
export function hasPodAffinity(pod: Pod): boolean {
  const a = pod.spec?.affinity;
  return !!(a?.podAffinity || a?.podAntiAffinity);
}

/**
 * What the scheduler knows about one node: the node, the pods on it (bound or assumed)
 * and running totals, so filters are O(1) per node instead of summing pods each time.
 */
export class NodeInfo {
  readonly name: string;
  readonly pods = new Map<string, Pod>();
  /** Sum of the pods' effective requests. */
  requested: ResourceAmounts = {};
  /** requested.cpu and requested.memory as plain fields: the Filter and Score hot path reads these. */
  requestedCpu = 0;
  requestedMemory = 0;
  /** cpu/memory with the scoring defaults applied to pods that request nothing. */
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  /** Allocatable cpu (millicores), memory (bytes) and pod count (110 when unset), refreshed with the node. */
  allocCpu = 0;
  allocMemory = 0;
  allocPods = 110;
  /** The node's labels, spec.unschedulable and taints (undefined when none), refreshed with the node, so per-node filters read one object. */
  labels: Record<string, string> = {};
  unschedulable = false;
  taints: readonly Taint[] | undefined = undefined;
  /** `protocol/ip/port` → count. */
  readonly usedPorts = new Map<string, number>();
  /** Pods here with pod affinity or anti-affinity (InterPodAffinity only looks at these). */
  readonly podsWithAffinity = new Map<string, Pod>();
  readonly podsWithRequiredAntiAffinity = new Map<string, Pod>();
  /** Bumped on every change (tests and caches). */
  generation = 0;

  private current: Node;
  private alloc: ResourceAmounts;

  constructor(node: Node) {
    this.current = node;
    this.alloc = this.refreshAllocatable();
    this.name = node.metadata?.name ?? '';
  }

  get node(): Node {
    return this.current;
  }
  set node(node: Node) {
    this.current = node;
    this.alloc = this.refreshAllocatable();
  }

  get allocatable(): ResourceAmounts {
    return this.alloc;
  }

  private refreshAllocatable(): ResourceAmounts {
    const n = this.current;
    this.labels = (n.metadata?.labels ?? {}) as Record<string, string>;
    this.unschedulable = !!n.spec?.unschedulable;
    const taints = n.spec?.taints as Taint[] | undefined;
    this.taints = taints && taints.length > 0 ? taints : undefined;
    const a = nodeAllocatable(n);
    this.allocCpu = a.cpu ?? 0;
    this.allocMemory = a.memory ?? 0;
    this.allocPods = a.pods ?? 110;
    return a;
  }


  addPod(pod: Pod): void {
    const key = podKey(pod);
    if (this.pods.has(key)) this.removePod(key);
    this.pods.set(key, pod);
    const r = podRequests(pod);
    for (const k in r.requests) this.requested[k] = (this.requested[k] ?? 0) + (r.requests[k] ?? 0);
    this.requestedCpu += r.cpu;
    this.requestedMemory += r.memory;
    this.nonZeroCpu += r.nonZeroCpu;
    this.nonZeroMemory += r.nonZeroMemory;
    for (const p of hostPorts(pod)) {
      const k = `${p.protocol}/${p.ip}/${p.port}`;
      this.usedPorts.set(k, (this.usedPorts.get(k) ?? 0) + 1);
    }
    if (hasPodAffinity(pod)) this.podsWithAffinity.set(key, pod);
    if (hasRequiredAntiAffinity(pod)) this.podsWithRequiredAntiAffinity.set(key, pod);
    this.generation++;
  }

  /** Removes the pod with this key; returns whether it was here. */
  removePod(key: string): boolean {
    const pod = this.pods.get(key);
    if (!pod) return false;
    this.pods.delete(key);
    const r = podRequests(pod);
    for (const k in r.requests) this.requested[k] = (this.requested[k] ?? 0) - (r.requests[k] ?? 0);
    this.requestedCpu -= r.cpu;
    this.requestedMemory -= r.memory;
    this.nonZeroCpu -= r.nonZeroCpu;
    this.nonZeroMemory -= r.nonZeroMemory;
    for (const p of hostPorts(pod)) {
      const k = `${p.protocol}/${p.ip}/${p.port}`;
      const n = (this.usedPorts.get(k) ?? 0) - 1;
      if (n <= 0) this.usedPorts.delete(k);
      else this.usedPorts.set(k, n);
    }
    this.podsWithAffinity.delete(key);
    this.podsWithRequiredAntiAffinity.delete(key);
    this.generation++;
    return true;
  }

  /** A copy whose pod set can be changed without touching this one (preemption dry runs). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.node);
    for (const p of this.pods.values()) c.addPod(p);
    return c;
  }
}
