import type { Node } from '../api/core/v1/node.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { Clock } from '../client/clock.js';
import { NodeInfo, podKey } from './node-info.js';

interface PodState {
  pod: Pod;
  nodeName: string;
  assumed: boolean;
  /** When binding finished (assumed pods expire if the informer never confirms them). */
  bindingFinishedAt?: number;
}

/**
 * The scheduler's view of the cluster: nodes with the pods bound to them, plus "assumed"
 * pods — placed by the scheduler but not yet seen bound through the informer — so that
 * binding can run asynchronously while the next pod is scheduled against up-to-date totals.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private list: NodeInfo[] | undefined;
  private readonly affinityNodes = new Set<NodeInfo>();
  private readonly antiAffinityNodes = new Set<NodeInfo>();
  private readonly clock: Clock;
  private readonly assumedTtlMs: number;

  constructor(config: { clock: Clock; assumedTtlMs?: number }) {
    this.clock = config.clock;
    this.assumedTtlMs = config.assumedTtlMs ?? 30_000;
  }

  /** Every node, in a stable order (insertion); the array is reused until nodes change. */
  nodeList(): readonly NodeInfo[] {
    return (this.list ??= [...this.nodes.values()].filter((n) => n.node.metadata?.name));
  }
  nodeInfo(name: string): NodeInfo | undefined {
    const n = this.nodes.get(name);
    return n?.node.metadata?.name ? n : undefined;
  }
  nodesWithPodAffinity(): Iterable<NodeInfo> {
    return this.affinityNodes;
  }
  nodesWithRequiredAntiAffinity(): Iterable<NodeInfo> {
    return this.antiAffinityNodes;
  }

  /** Keeps the affinity node sets in step after ni's pods changed. */
  private touch(ni: NodeInfo | undefined): void {
    if (!ni) return;
    if (ni.podsWithAffinity.size > 0 && ni.node.metadata?.name) this.affinityNodes.add(ni);
    else this.affinityNodes.delete(ni);
    if (ni.podsWithRequiredAntiAffinity.size > 0 && ni.node.metadata?.name) this.antiAffinityNodes.add(ni);
    else this.antiAffinityNodes.delete(ni);
  }

  nodeCount(): number {
    return this.nodeList().length;
  }

  addOrUpdateNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const existing = this.nodes.get(name);
    if (existing) existing.node = node;
    else {
      this.nodes.set(name, new NodeInfo(node));
      this.list = undefined;
    }
    const ni = this.nodes.get(name);
    if (ni) ni.generation++;
    this.touch(ni);
    if (!existing?.node.metadata?.name) this.list = undefined;
  }

  removeNode(name: string): void {
    const ni = this.nodes.get(name);
    if (!ni) return;
    // Pods may still point at it; keep an entry without a node so they can be removed later.
    if (ni.pods.size === 0) this.nodes.delete(name);
    else ni.node = { metadata: {} } as Node;
    this.list = undefined;
    this.touch(ni);
  }

  /** Places a pod on a node before the binding is confirmed. */
  assume(pod: Pod, nodeName: string): void {
    const key = podKey(pod);
    this.placeOn(pod, nodeName);
    this.podStates.set(key, { pod, nodeName, assumed: true });
  }

  finishBinding(pod: Pod): void {
    const st = this.podStates.get(podKey(pod));
    if (st?.assumed) st.bindingFinishedAt = this.clock.now();
  }

  /** Undoes assume (binding failed). */
  forget(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st?.assumed) return;
    this.nodes.get(st.nodeName)?.removePod(key);
    this.touch(this.nodes.get(st.nodeName));
    this.podStates.delete(key);
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed ?? false;
  }

  /** A bound pod seen through the informer (add or update); confirms an assumed one. */
  addOrUpdatePod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const st = this.podStates.get(key);
    if (st && st.nodeName !== nodeName) {
      this.nodes.get(st.nodeName)?.removePod(key);
      this.touch(this.nodes.get(st.nodeName));
    }
    this.placeOn(pod, nodeName);
    this.podStates.set(key, { pod, nodeName, assumed: false });
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    const nodeName = st?.nodeName ?? pod.spec?.nodeName;
    if (nodeName) {
      const ni = this.nodes.get(nodeName);
      ni?.removePod(key);
      this.touch(ni);
      if (ni && !ni.node.metadata?.name && ni.pods.size === 0) this.nodes.delete(nodeName);
    }
    this.podStates.delete(key);
  }

  /** Drops assumed pods whose binding finished long ago but were never confirmed. */
  cleanupExpired(): number {
    const now = this.clock.now();
    let n = 0;
    for (const [key, st] of this.podStates) {
      if (st.assumed && st.bindingFinishedAt !== undefined && now - st.bindingFinishedAt > this.assumedTtlMs) {
        this.nodes.get(st.nodeName)?.removePod(key);
        this.touch(this.nodes.get(st.nodeName));
        this.podStates.delete(key);
        n++;
      }
    }
    return n;
  }

  private placeOn(pod: Pod, nodeName: string): void {
    let ni = this.nodes.get(nodeName);
    if (!ni) {
      ni = new NodeInfo({ metadata: {} } as Node);
      (ni as { name: string }).name = nodeName;
      this.nodes.set(nodeName, ni);
    }
    ni.addPod(pod);
    this.touch(ni);
  }
}
