import type { Pod } from '../api/core/v1/pod.js';
import type { NodeInfo } from './node-info.js';

const MAX_KEYS_PER_NODE = 64;

/**
 * Matching-pod counts per (node, matcher key), reused while the node's pods are
 * unchanged (NodeInfo.generation). Spread and affinity plugins ask "how many pods on
 * this node match X" for every node on every cycle; with one pod placed per cycle only
 * one node's answer changes, so almost every lookup is a hit.
 */
export class NodeCountCache {
  // Kept on the NodeInfo itself (one map per cache instance) — cheaper than a WeakMap lookup per node per cycle.
  private readonly slot = Symbol('counts');

  count(node: NodeInfo, key: string, pred: (p: Pod) => boolean): number {
    const holder = node as unknown as Record<symbol, Map<string, { gen: number; count: number }> | undefined>;
    let m = holder[this.slot];
    if (!m) holder[this.slot] = m = new Map();
    const hit = m.get(key);
    if (hit && hit.gen === node.generation) return hit.count;
    let n = 0;
    for (const p of node.pods.values()) if (pred(p)) n++;
    if (!hit && m.size >= MAX_KEYS_PER_NODE) m.clear();
    m.set(key, { gen: node.generation, count: n });
    return n;
  }
}
