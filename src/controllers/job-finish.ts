/**
 * How a Job ends, in two steps as upstream since 1.31: an interim condition
 * (FailureTarget or SuccessCriteriaMet) as soon as the outcome is known, then the
 * terminal one (Failed or Complete, same reason and message) once no pod is running.
 * Pure; tested in job-policies.test.ts.
 */
import type { Job } from '../api/batch/v1/job.js';
import type { Pod } from '../api/core/v1/pod.js';

export interface JobFinish {
  type: 'Failed' | 'Complete';
  reason: string;
  message: string;
}

/** The interim condition type that precedes each terminal one. */
export const interimConditionType = { Failed: 'FailureTarget', Complete: 'SuccessCriteriaMet' } as const;

/** The outcome already decided by an earlier sync (its interim condition is recorded), if any. */
export function recordedFinish(job: Job): JobFinish | undefined {
  for (const type of ['Failed', 'Complete'] as const) {
    const c = job.status?.conditions?.find((x) => x.type === interimConditionType[type] && x.status === 'True');
    if (c) return { type, reason: c.reason ?? '', message: c.message ?? '' };
  }
  return undefined;
}

/** Whether every pod has stopped (phase Succeeded or Failed): only then may the terminal condition be set. */
export function allPodsTerminal(pods: readonly Pod[]): boolean {
  return pods.every((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
}
