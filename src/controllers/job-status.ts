/**
 * The Job controller's pure arithmetic: which pods count, how many to run, which indexes
 * are missing, and whether the Job has finished. No I/O; table-tested in job.test.ts.
 */
import type { Job } from '../api/batch/v1/job.js';
import { jobLabels } from '../api/batch/v1/job-selector.js';
import type { Pod } from '../api/core/v1/pod.js';
import { isCountedFailure } from './job-pod-failure-policy.js';
import { isPodActive, isPodReady } from './pod-util.js';

export interface PodCounts {
  active: Pod[];
  succeeded: number;
  failed: number;
  ready: number;
  /** Indexed Jobs: indexes with a succeeded pod. */
  succeededIndexes: Set<number>;
  /** Indexed Jobs: indexes with an active pod. */
  activeIndexes: Set<number>;
}

/** The completion index a pod carries (annotation, else label), or undefined. */
export function podIndex(pod: Pod): number | undefined {
  const raw = pod.metadata?.annotations?.[jobLabels.completionIndexAnnotation] ?? pod.metadata?.labels?.[jobLabels.podIndexLabel];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** Counts the Job's pods by phase (finished pods count even while being deleted; failures the pod failure policy ignores do not). */
export function countPods(job: Job, pods: readonly Pod[]): PodCounts {
  const completions = job.spec?.completions ?? 1;
  const indexed = job.spec?.completionMode === 'Indexed';
  const out: PodCounts = { active: [], succeeded: 0, failed: 0, ready: 0, succeededIndexes: new Set(), activeIndexes: new Set() };
  for (const p of pods) {
    const phase = p.status?.phase;
    const idx = indexed ? podIndex(p) : undefined;
    if (phase === 'Succeeded') {
      if (indexed) {
        if (idx !== undefined && idx < completions) out.succeededIndexes.add(idx);
      } else out.succeeded++;
    } else if (phase === 'Failed') {
      if (isCountedFailure(job, p)) out.failed++;
    } else if (isPodActive(p)) {
      out.active.push(p);
      if (isPodReady(p)) out.ready++;
      if (idx !== undefined) out.activeIndexes.add(idx);
    }
  }
  if (indexed) out.succeeded = out.succeededIndexes.size;
  return out;
}

/** Whether the Job has succeeded given its counts (NonIndexed with no completions: any success and nothing active). */
export function isJobComplete(job: Job, c: PodCounts): boolean {
  const completions = job.spec?.completions;
  if (job.spec?.completionMode === 'Indexed') return c.succeededIndexes.size >= (completions ?? 1);
  if (completions === undefined || completions === null) return c.succeeded > 0 && c.active.length === 0;
  return c.succeeded >= completions;
}

/** How many pods should be active now (upstream manageJob's wantActive). */
export function wantActive(job: Job, succeeded: number): number {
  if (job.spec?.suspend) return 0;
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) return succeeded > 0 ? 0 : parallelism;
  return Math.max(0, Math.min(parallelism, completions - succeeded));
}

/** Indexed Jobs: the lowest `n` indexes neither succeeded, active nor failed for good. */
export function missingIndexes(completions: number, c: PodCounts, n: number, failed: ReadonlySet<number> = new Set()): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < n; i++) {
    if (!c.succeededIndexes.has(i) && !c.activeIndexes.has(i) && !failed.has(i)) out.push(i);
  }
  return out;
}

/** "1,3-5" from a set of indexes (status.completedIndexes). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The condition that ends a Job, if any ("Complete" or "Failed" with status True). */
export function finishedCondition(job: Job): { type: 'Complete' | 'Failed'; lastTransitionTime?: string } | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') {
      return { type: c.type, ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}) };
    }
  }
  return undefined;
}
