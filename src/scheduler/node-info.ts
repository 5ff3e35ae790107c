import type { Node } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import { nodeAllocatable, podRequests, type ResourceAmounts } from './resources.js';

/** `namespace/name` of a pod. */
export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Host ports a pod asks for, as `protocol/ip/port` ("0.0.0.0" when any address). */
export function hostPorts(pod: Pod): Array<{ protocol: string; ip: string; port: number }> {
  const out: Array<{ protocol: string; ip: string; port: number }> = [];
  for (const list of [pod.spec?.initContainers ?? [], pod.spec?.containers ?? []]) {
    for (const c of list) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort) continue;
        out.push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort });
      }
    }
  }
  return out;
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
  node: Node;
  readonly name: string;
  readonly pods = new Map<string, Pod>();
  /** Sum of the pods' effective requests. */
  requested: ResourceAmounts = {};
  /** cpu/memory with the scoring defaults applied to pods that request nothing. */
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  /** `protocol/ip/port` → count. */
  readonly usedPorts = new Map<string, number>();
  /** Pods here with pod affinity or anti-affinity (InterPodAffinity only looks at these). */
  readonly podsWithAffinity = new Map<string, Pod>();
  readonly podsWithRequiredAntiAffinity = new Map<string, Pod>();
  /** Bumped on every change (tests and caches). */
  generation = 0;

  constructor(node: Node) {
    this.node = node;
    this.name = node.metadata?.name ?? '';
  }

  private allocFor: Node | undefined;
  private alloc: ResourceAmounts = {};

  get allocatable(): ResourceAmounts {
    if (this.allocFor !== this.node) {
      this.alloc = nodeAllocatable(this.node);
      this.allocFor = this.node;
    }
    return this.alloc;
  }

  get labels(): Record<string, string> {
    return (this.node.metadata?.labels ?? {}) as Record<string, string>;
  }

  addPod(pod: Pod): void {
    const key = podKey(pod);
    if (this.pods.has(key)) this.removePod(key);
    this.pods.set(key, pod);
    const r = podRequests(pod);
    for (const k in r.requests) this.requested[k] = (this.requested[k] ?? 0) + (r.requests[k] ?? 0);
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
