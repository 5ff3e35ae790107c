import type { Pod } from '../../api/core/v1/pod.js';
import type { ScorePlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { podRequests, type PodRequests } from '../resources.js';
import { allocatableOf, requestedWith } from './node-resources-fit.js';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

/**
 * Favors nodes whose cpu and memory would be used in equal proportion: 100 × (1 − σ) where
 * σ is the standard deviation of the used fractions (each capped at 1).
 */
export function balancedAllocationScore(pod: Pod, node: NodeInfo, resources: readonly string[] = ['cpu', 'memory']): number {
  return balanced(podRequests(pod), node, resources);
}

function balanced(r: PodRequests, node: NodeInfo, resources: readonly string[]): number {
  if (resources.length === 2) {
    // The default (cpu, memory) without allocating: σ of two values is half their distance.
    const a0 = allocatableOf(node, resources[0] as string);
    const a1 = allocatableOf(node, resources[1] as string);
    if (a0 > 0 && a1 > 0) {
      const f0 = Math.min(1, requestedWith(r, node, resources[0] as string) / a0);
      const f1 = Math.min(1, requestedWith(r, node, resources[1] as string) / a1);
      return Math.floor((1 - Math.abs(f0 - f1) / 2) * 100);
    }
  }
  const fractions: number[] = [];
  for (const name of resources) {
    const alloc = allocatableOf(node, name);
    if (alloc === 0) continue;
    fractions.push(Math.min(1, requestedWith(r, node, name) / alloc));
  }
  if (fractions.length === 0) return 0;
  let std: number;
  if (fractions.length === 2) std = Math.abs((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2;
  else {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.floor((1 - std) * 100);
}

export function balancedAllocation(args: { resources?: string[] } = {}): ScorePlugin {
  const resources = args.resources ?? ['cpu', 'memory'];
  return {
    name: BALANCED_ALLOCATION,
    score: (_s, pod, node) => balanced(podRequests(pod), node, resources),
    scoreAll: (_s, pod, nodes, out) => {
      const r = podRequests(pod);
      for (let i = 0; i < nodes.length; i++) out[i] = balanced(r, nodes[i] as NodeInfo, resources);
    },
  };
}
