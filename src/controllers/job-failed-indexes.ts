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

/** When a pod finished: its containers' last termination, else its last condition change. */
function finishedAt(pod: Pod): number {
  const times = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]
    .map((c) => Date.parse(c.state?.terminated?.finishedAt ?? ''))
    .filter((t) => Number.isFinite(t));
  if (times.length > 0) return Math.max(...times);
  const conds = (pod.status?.conditions ?? []).map((c) => Date.parse(c.lastTransitionTime ?? '')).filter((t) => Number.isFinite(t));
  return conds.length > 0 ? Math.max(...conds) : Date.parse(pod.metadata?.creationTimestamp ?? '') || 0;
}

/**
 * With backoffLimitPerIndex each index waits out its own back-off before its next pod
 * (upstream's per-index backoff records): `backoffMs(n)` after the finish of the index's
 * latest failed pod, n being that index's failures so far (counted and ignored). Returns
 * the indexes still waiting and how long each has left; indexes that never failed wait not.
 */
export function indexBackoffs(pods: readonly Pod[], now: number, backoffMs: (failures: number) => number): Map<number, number> {
  const latest = new Map<number, { pod: Pod; total: number; at: number }>();
  for (const p of pods) {
    const idx = podIndex(p);
    if (idx === undefined || p.status?.phase !== 'Failed') continue;
    const total = annotationCount(p, jobLabels.indexFailureCountAnnotation) + annotationCount(p, jobLabels.indexIgnoredFailureCountAnnotation) + 1;
    const at = finishedAt(p);
    const cur = latest.get(idx);
    if (!cur || total > cur.total || (total === cur.total && at > cur.at)) latest.set(idx, { pod: p, total, at });
  }
  const waiting = new Map<number, number>();
  for (const [idx, { total, at }] of latest) {
    const left = at + backoffMs(total) - now;
    if (left > 0) waiting.set(idx, left);
  }
  return waiting;
}
