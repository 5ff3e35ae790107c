import type { Job } from './job.js';

/** Label and selector keys the job controller and the API server put on Jobs and their pods. */
export const jobLabels = {
  jobName: 'batch.kubernetes.io/job-name',
  legacyJobName: 'job-name',
  controllerUid: 'batch.kubernetes.io/controller-uid',
  legacyControllerUid: 'controller-uid',
  completionIndexAnnotation: 'batch.kubernetes.io/job-completion-index',
  podIndexLabel: 'batch.kubernetes.io/job-index',
  indexFailureCountAnnotation: 'batch.kubernetes.io/job-index-failure-count',
  indexIgnoredFailureCountAnnotation: 'batch.kubernetes.io/job-index-ignored-failure-count',
  trackingFinalizer: 'batch.kubernetes.io/job-tracking',
  cronJobScheduledTimestamp: 'batch.kubernetes.io/cronjob-scheduled-timestamp',
} as const;

/**
 * The API server's Job PrepareForCreate step (upstream generateSelector), to run once the
 * Job has its name and uid and before validation: unless spec.manualSelector is true, the
 * pod template gets job-name and controller-uid labels (both spellings) and the selector
 * becomes `batch.kubernetes.io/controller-uid=<uid>`. Labels the user set are kept.
 * Mutates and returns the job.
 */
export function generateJobSelector(job: Job): Job {
  if (job.spec?.manualSelector === true) return job;
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  const spec = (job.spec ??= {});
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  for (const k of [jobLabels.legacyJobName, jobLabels.jobName]) labels[k] ??= name;
  for (const k of [jobLabels.legacyControllerUid, jobLabels.controllerUid]) labels[k] ??= uid;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  matchLabels[jobLabels.controllerUid] ??= uid;
  return job;
}
