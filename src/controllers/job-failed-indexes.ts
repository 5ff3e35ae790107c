/**
 * spec.backoffLimitPerIndex: each index retries on its own. Every pod of an index carries
 * how many of that index's earlier pods failed (counted, and ignored by the pod failure
 * policy) in annotations, so the count survives controller restarts without extra state.
 * Pure; tested in job-policies.test.ts.
 */
import type { Job } from '../api/batch/v1/job.js';
import { jobLabels } from '../api/batch/v1/job-selector.js';
import type { Pod } from '../api/core/v1/pod.js';
import { matchPodFailurePolicy } from './job-pod-failure-policy.js';
import { podIndex } from './job-status.js';

function annotationCount(pod: Pod, key: string): number {
  const raw = pod.metadata?.annotations?.[key];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : 0;
}

/** Whether this failed pod makes its index failed: a FailIndex rule, or a counted failure with the index's retries used up. */
export function isIndexFailed(job: Job, pod: Pod): boolean {
  if (pod.status?.phase !== 'Failed') return false;
  const m = matchPodFailurePolicy(job.spec?.podFailurePolicy, pod);
  if (m.action === 'FailIndex') return true;
  return m.countFailed && annotationCount(pod, jobLabels.indexFailureCountAnnotation) >= (job.spec?.backoffLimitPerIndex ?? 0);
}

/** The indexes (below completions) that have failed for good. */
export function failedIndexes(job: Job, pods: readonly Pod[]): Set<number> {
  const out = new Set<number>();
  const completions = job.spec?.completions ?? 1;
  for (const p of pods) {
    const idx = podIndex(p);
    if (idx !== undefined && idx < completions && isIndexFailed(job, p)) out.add(idx);
  }
  return out;
}

/**
 * The failure-count annotations for a new pod at `index`: the latest failed pod of the
 * index (the one with the highest counts) plus its own failure, counted or ignored.
 */
export function indexFailureAnnotations(job: Job, pods: readonly Pod[], index: number): Record<string, string> {
  let last: Pod | undefined;
  let lastTotal = -1;
  for (const p of pods) {
    if (p.status?.phase !== 'Failed' || podIndex(p) !== index) continue;
    const total = annotationCount(p, jobLabels.indexFailureCountAnnotation) + annotationCount(p, jobLabels.indexIgnoredFailureCountAnnotation);
    if (total > lastTotal) [last, lastTotal] = [p, total];
  }
  let failures = 0;
  let ignored = 0;
  if (last) {
    failures = annotationCount(last, jobLabels.indexFailureCountAnnotation);
    ignored = annotationCount(last, jobLabels.indexIgnoredFailureCountAnnotation);
    if (matchPodFailurePolicy(job.spec?.podFailurePolicy, last).countFailed) failures++;
    else ignored++;
  }
  return {
    [jobLabels.indexFailureCountAnnotation]: String(failures),
    ...(ignored > 0 ? { [jobLabels.indexIgnoredFailureCountAnnotation]: String(ignored) } : {}),
  };
}
