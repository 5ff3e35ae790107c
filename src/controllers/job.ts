import type { Job } from '../api/batch/v1/job.js';
import { JobKind } from '../api/batch/v1/job.js';
import { jobLabels } from '../api/batch/v1/job-selector.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { controller } from '../client/controller.js';
import { rfc3339 } from '../client/micro-time.js';
import { controllerRef, objectKey, splitKey } from '../client/object-key.js';
import { isNotFound } from '../client/status-error.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { setCondition } from './conditions.js';
import { Expectations, observeOwnedPods } from './expectations.js';
import { newControllerRef } from './owner-refs.js';
import { selectorOf } from './replicaset.js';
import { omitZero, sameJson, statusMergePatch } from './status-fields.js';
import { countPods, finishedCondition, formatIndexes, isJobComplete, missingIndexes, wantActive } from './job-status.js';

const COMPONENT = 'job-controller';
/** JobStatus fields tagged omitempty that this controller writes (ready and terminating are pointers: 0 is printed). */
const JOB_OMITEMPTY = ['active', 'succeeded', 'failed', 'completedIndexes'] as const;
const GVK = { kind: 'Job', apiVersion: 'batch/v1' };

/** The Job controller: runs pods until enough succeed, fails on backoff limit or deadline, deletes finished Jobs after their TTL. */
export const jobController: ControllerDescriptor = {
  name: 'job',
  create: (ctx) => newJobController(ctx),
};

/** Upstream's pod failure backoff: 10 s doubling per failure, at most 6 minutes. */
export const JOB_BACKOFF_BASE_MS = 10_000;
export const JOB_BACKOFF_MAX_MS = 6 * 60_000;

/** The delay before replacing pods after `failed` failures (0 when none). */
export function jobBackoffMs(failed: number, baseMs = JOB_BACKOFF_BASE_MS): number {
  if (failed <= 0) return 0;
  return Math.min(JOB_BACKOFF_MAX_MS, baseMs * 2 ** Math.min(failed - 1, 20));
}

export function newJobController(ctx: ControllerContext): RunningController {
  const backoffBaseMs = (ctx.options as { job?: { podFailureBackoffBaseMs?: number } }).job?.podFailureBackoffBaseMs ?? JOB_BACKOFF_BASE_MS;
  /** When this controller first saw each Job's current failure count (pods carry no reliable finish time here). */
  const lastFailure = new Map<string, { failed: number; at: number }>();
  const jobInformer = ctx.informers.informerFor<Job>(JobKind);
  const podInformer = ctx.informers.informerFor<Pod>(PodKind);
  const pods = ctx.client.resource<Pod>(PodKind);
  const jobs = ctx.client.resource<Job>(JobKind);
  const recorder = ctx.recorder(COMPONENT);
  const expectations = new Expectations({ clock: ctx.clock });

  observeOwnedPods(podInformer, expectations, 'Job');

  const reconcile = async (key: string) => {
    const job = jobInformer.indexer.get(key);
    if (!job) {
      expectations.delete(key);
      lastFailure.delete(key);
      return;
    }
    const now = ctx.clock.now();
    const done = finishedCondition(job);
    if (done) return handleTtl(job, done, now);
    if (job.metadata?.deletionTimestamp) return;

    const { namespace } = splitKey(key);
    const uid = job.metadata?.uid;
    const selector = selectorOf(job);
    const owned = podInformer.indexer
      .byIndex(NAMESPACE_INDEX, namespace)
      .filter((p) => controllerRef(p)?.uid === uid && selector.matches(p.metadata?.labels));
    const counts = countPods(job, owned);
    // Finished pods are never deleted by this controller, so counting them is exact unless
    // someone else deletes them; never let the counters go backwards.
    const succeeded = Math.max(counts.succeeded, job.spec?.completionMode === 'Indexed' ? 0 : (job.status?.succeeded ?? 0));
    const failed = Math.max(counts.failed, job.status?.failed ?? 0);

    const status: NonNullable<Job['status']> = structuredClone(job.status ?? {});
    if (!status.startTime && !job.spec?.suspend) status.startTime = rfc3339(now);
    const start = status.startTime ? Date.parse(status.startTime) : now;
    const deadline = job.spec?.activeDeadlineSeconds;
    let requeueAfterMs: number | undefined;

    let failure: { reason: string; message: string } | undefined;
    if (failed > (job.spec?.backoffLimit ?? 6)) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (deadline !== undefined && deadline !== null && !job.spec?.suspend) {
      const left = start + deadline * 1000 - now;
      if (left <= 0) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else requeueAfterMs = left;
    }

    const complete = !failure && isJobComplete(job, { ...counts, succeeded });
    let active = counts.active.length;
    if (failure || complete) {
      // A finished Job keeps no running pods.
      await deletePods(job, counts.active);
      active = 0;
      if (failure) {
        setCondition(status, { type: 'FailureTarget', status: 'True', reason: failure.reason, message: failure.message }, now);
        setCondition(status, { type: 'Failed', status: 'True', reason: failure.reason, message: failure.message }, now);
        recorder.event(job, 'Warning', failure.reason, failure.message, GVK);
      } else {
        setCondition(status, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, now);
        setCondition(status, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' }, now);
        status.completionTime = rfc3339(now);
        recorder.event(job, 'Normal', 'Completed', 'Job completed', GVK);
      }
    } else if (expectations.satisfied(key)) {
      const seen = lastFailure.get(key);
      if (!seen || seen.failed !== failed) lastFailure.set(key, { failed, at: now });
      const wait = failed > 0 ? (lastFailure.get(key)?.at ?? now) + jobBackoffMs(failed, backoffBaseMs) - now : 0;
      // After failures, new pods wait out the backoff (deletions never do).
      if (wait > 0 && counts.active.length < wantActive(job, succeeded)) {
        requeueAfterMs = Math.min(requeueAfterMs ?? wait, wait);
      } else {
        active += await manageJob(job, key, counts, succeeded);
      }
    }

    status.active = active;
    status.succeeded = succeeded;
    status.failed = failed;
    status.ready = failure || complete ? 0 : counts.ready;
    status.terminating = owned.filter((p) => p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
    if (job.spec?.completionMode === 'Indexed') status.completedIndexes = formatIndexes(counts.succeededIndexes);
    // JobStatus: active/succeeded/failed/completedIndexes are omitempty; ready and terminating are pointers, so 0 stays.
    omitZero(status, JOB_OMITEMPTY);
    // Upstream always sets the (here always empty) uncounted list, so Jobs print `uncountedTerminatedPods: {}`.
    status.uncountedTerminatedPods ??= {};
    await writeStatus(job, status);
    if (failure || complete) return handleTtl({ ...job, status }, finishedCondition({ ...job, status })!, now);
    return requeueAfterMs !== undefined ? { requeueAfterMs: requeueAfterMs + 20 } : undefined;
  };

  /** Creates or deletes pods toward wantActive; returns the change in active pods. */
  async function manageJob(job: Job, key: string, counts: ReturnType<typeof countPods>, succeeded: number): Promise<number> {
    const namespace = job.metadata?.namespace ?? '';
    const want = wantActive(job, succeeded);
    const active = counts.active.length;
    if (active > want) {
      // Newest first: the least progress is lost.
      const victims = [...counts.active].sort((a, b) => (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '')).slice(0, active - want);
      expectations.expectDeletions(key, victims.map(objectKey));
      await deletePods(job, victims, key);
      return -victims.length;
    }
    if (active === want) return 0;
    const indexed = job.spec?.completionMode === 'Indexed';
    const slots: Array<number | undefined> = indexed
      ? missingIndexes(job.spec?.completions ?? 1, counts, want - active)
      : Array.from({ length: want - active }, () => undefined);
    if (slots.length === 0) return 0;
    expectations.expectCreations(key, slots.length);
    let created = 0;
    let firstErr: unknown;
    await Promise.all(
      slots.map(async (index) => {
        try {
          const pod = await pods.create(podForJob(job, index), { namespace });
          created++;
          // One event per pod, named as the server generated it (RealPodControl.createPods).
          recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`, GVK);
        } catch (err) {
          expectations.creationObserved(key);
          firstErr ??= err;
          recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${err instanceof Error ? err.message : String(err)}`, GVK);
        }
      }),
    );
    if (firstErr) throw firstErr;
    return created;
  }

  async function deletePods(job: Job, victims: readonly Pod[], key?: string): Promise<void> {
    const namespace = job.metadata?.namespace ?? '';
    await Promise.all(
      victims.map(async (p) => {
        try {
          await pods.delete(p.metadata?.name ?? '', { namespace });
          recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name ?? ''}`, GVK);
        } catch (err) {
          if (key) expectations.deletionObserved(key, objectKey(p));
          if (!isNotFound(err)) throw err;
        }
      }),
    );
  }

  async function writeStatus(job: Job, status: NonNullable<Job['status']>): Promise<void> {
    if (sameJson(job.status ?? {}, status)) return;
    try {
      await jobs.subresource('status').patch(job.metadata?.name ?? '', { status: statusMergePatch(job.status, status, JOB_OMITEMPTY) }, 'merge', { namespace: job.metadata?.namespace ?? '' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** ttlSecondsAfterFinished: deletes the finished Job (and, in the foreground, its pods) once the TTL passed. */
  async function handleTtl(job: Job, done: { lastTransitionTime?: string }, now: number): Promise<{ requeueAfterMs: number } | undefined> {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null || job.metadata?.deletionTimestamp) return undefined;
    const finished = Date.parse(job.status?.completionTime ?? done.lastTransitionTime ?? '') || now;
    const left = finished + ttl * 1000 - now;
    if (left > 0) return { requeueAfterMs: left + 20 };
    try {
      await jobs.delete(job.metadata?.name ?? '', { namespace: job.metadata?.namespace ?? '', propagationPolicy: 'Foreground' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return undefined;
  }

  const c = controller('job', { reconcile, workers: ctx.options.workers ?? 5, clock: ctx.clock, logger: ctx.log })
    .watches(jobInformer)
    .owns(podInformer, { kind: 'Job', group: 'batch' });
  return { start: () => c.start(), stop: () => c.stop() };
}

/** A pod for the Job (index given for Indexed Jobs): template labels, completion index, controller reference. */
export function podForJob(job: Job, index?: number): Pod {
  const tpl = job.spec?.template ?? {};
  const meta = tpl.metadata ?? {};
  const name = job.metadata?.name ?? '';
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  // The API server puts these on the template; Jobs with a manual selector may lack them.
  labels[jobLabels.jobName] ??= name;
  labels[jobLabels.controllerUid] ??= job.metadata?.uid ?? '';
  const spec = structuredClone(tpl.spec ?? {}) as NonNullable<Pod['spec']>;
  if (index !== undefined) {
    annotations[jobLabels.completionIndexAnnotation] = String(index);
    labels[jobLabels.podIndexLabel] = String(index);
    if (spec.subdomain) spec.hostname ??= `${name}-${index}`;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: index !== undefined ? `${name}-${index}-` : `${name}-`,
      namespace: job.metadata?.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [newControllerRef(job, 'batch/v1', 'Job')],
    },
    spec,
  } as Pod;
}
