import type { Pod } from '../../api/core/v1/pod.js';
import type { ScorePlugin } from '../interfaces.js';
import type { NodeInfo } from '../node-info.js';
import { requestedAndAllocatable } from './node-resources-fit.js';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

/**
 * Favors nodes whose cpu and memory would be used in equal proportion: 100 × (1 − σ) where
 * σ is the standard deviation of the used fractions (each capped at 1).
 */
export function balancedAllocationScore(pod: Pod, node: NodeInfo, resources: readonly string[] = ['cpu', 'memory']): number {
  const fractions: number[] = [];
  for (const r of resources) {
    const [req, alloc] = requestedAndAllocatable(pod, node, r);
    if (alloc === 0) continue;
    fractions.push(Math.min(1, req / alloc));
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
  return { name: BALANCED_ALLOCATION, score: (_s, pod, node) => balancedAllocationScore(pod, node, resources) };
}
