// @ts-check
/**
 * The columns `kubectl get jobs` and `kubectl get cronjobs` (1.32) show, and the Job that
 * "Run now" creates from a CronJob, as `kubectl create job --from=cronjob/<name>` does.
 */
import { humanDuration } from './format.js';

/**
 * @typedef {{ type?: string; status?: string }} Condition
 * @typedef {{ metadata?: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string };
 *   spec?: { completions?: number; parallelism?: number };
 *   status?: { succeeded?: number; startTime?: string; completionTime?: string; conditions?: Condition[] } }} Job
 */

/**
 * @param {Job} job
 * @param {string} type
 */
function hasCondition(job, type) {
  return (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/**
 * The STATUS column: finished states first, then Terminating, Suspended, the interim
 * FailureTarget / SuccessCriteriaMet, else Running.
 * @param {Job} job
 */
export function jobStatus(job) {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/**
 * The COMPLETIONS column: "succeeded/completions"; without completions "n/1", or
 * "n/1 of p" when more than one pod runs in parallel.
 * @param {Job} job
 */
export function jobCompletions(job) {
  const done = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined && completions !== null) return `${done}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${done}/1 of ${parallelism}` : `${done}/1`;
}

/**
 * The DURATION column: start to completion, or start to now while it runs; "" before it starts.
 * @param {Job} job
 * @param {number} now epoch milliseconds
 */
export function jobDuration(job, now) {
  const start = Date.parse(job.status?.startTime ?? '');
  if (Number.isNaN(start)) return '';
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return Number.isNaN(end) ? '' : humanDuration(end - start);
}

/** Object names are at most 63 characters here (they become a label value). */
const MAX_NAME = 63;

/**
 * The Job "Run now" creates: the CronJob's job template, named `<cronjob>-manual-<suffix>`,
 * annotated as manually instantiated, and controlled by the CronJob (so it is garbage
 * collected with it and listed as its job).
 * @param {any} cronJob
 * @param {string} suffix a few random lowercase letters or digits
 */
export function manualJobFor(cronJob, suffix) {
  const meta = cronJob.metadata ?? {};
  const template = cronJob.spec?.jobTemplate ?? {};
  const tail = `-manual-${suffix}`;
  const name = `${String(meta.name ?? '').slice(0, MAX_NAME - tail.length)}${tail}`;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: meta.namespace,
      ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
      annotations: { ...(template.metadata?.annotations ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: meta.name, uid: meta.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/**
 * A random name suffix of lowercase letters and digits.
 * @param {number} [length]
 * @param {() => number} [random]
 */
export function randomSuffix(length = 5, random = Math.random) {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(random() * alphabet.length)] ?? 'x';
  return s;
}
