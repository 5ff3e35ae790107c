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
import { countPods, finishedCondition, formatIndexes, isJobComplete, missingIndexes, podIndex, wantActive } from './job-status.js';
import { allPodsTerminal, interimConditionType, recordedFinish, type JobFinish } from './job-finish.js';
import { failJobMessage } from './job-pod-failure-policy.js';
import { failedIndexes, indexBackoffs, indexFailureAnnotations } from './job-failed-indexes.js';
import { matchSuccessPolicy } from './job-success-policy.js';

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

    const indexed = job.spec?.completionMode === 'Indexed';
    const perIndex = indexed && job.spec?.backoffLimitPerIndex !== undefined && job.spec?.backoffLimitPerIndex !== null;
    const failedIdx = perIndex ? failedIndexes(job, owned) : new Set<number>();
    // Upstream's order: an outcome already recorded, a FailJob rule, backoff limit, deadline, failed indexes, success.
    let finish: JobFinish | undefined = recordedFinish(job);
    const failMessage = finish ? undefined : failJobMessage(job, owned);
    if (finish) {
      // decided earlier
    } else if (failMessage) finish = { type: 'Failed', reason: 'PodFailurePolicy', message: failMessage };
    else if (failed > (job.spec?.backoffLimit ?? 6)) finish = { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (deadline !== undefined && deadline !== null && !job.spec?.suspend) {
      const left = start + deadline * 1000 - now;
      if (left <= 0) finish = { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else requeueAfterMs = left;
    }
    if (!finish && perIndex) {
      const maxFailed = job.spec?.maxFailedIndexes;
      if (maxFailed !== undefined && maxFailed !== null && failedIdx.size > maxFailed) {
        finish = { type: 'Failed', reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
      } else if (failedIdx.size > 0 && failedIdx.size + counts.succeededIndexes.size >= (job.spec?.completions ?? 1)) {
        finish = { type: 'Failed', reason: 'FailedIndexes', message: 'Job has failed indexes' };
      }
    }
    const policyMessage = !finish && indexed ? matchSuccessPolicy(job, counts.succeededIndexes) : undefined;
    if (policyMessage) finish = { type: 'Complete', reason: 'SuccessPolicy', message: policyMessage };
    if (!finish && isJobComplete(job, { ...counts, succeeded })) {
      finish = { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    }

    let active = counts.active.length;
    let terminal = false;
    if (finish) {
      // A finishing Job keeps no running pods; it is Failed or Complete only once they all stopped.
      await deletePods(job, counts.active);
      active = 0;
      const cond = { status: 'True' as const, reason: finish.reason, message: finish.message };
      setCondition(status, { type: interimConditionType[finish.type], ...cond }, now);
      // Pods deleted just now still show in the cache: their deletion events bring the next sync.
      terminal = counts.active.length === 0 && allPodsTerminal(owned);
      if (terminal) {
        setCondition(status, { type: finish.type, ...cond }, now);
        if (finish.type === 'Complete') {
          status.completionTime = rfc3339(now);
          recorder.event(job, 'Normal', 'Completed', 'Job completed', GVK);
        } else recorder.event(job, 'Warning', finish.reason, finish.message, GVK);
      }
    } else if (expectations.satisfied(key)) {
      const seen = lastFailure.get(key);
      if (!seen || seen.failed !== failed) lastFailure.set(key, { failed, at: now });
      // Per index, each index waits out its own back-off (below); otherwise the Job's failures set one wait for all.
      const wait = failed > 0 && !perIndex ? (lastFailure.get(key)?.at ?? now) + jobBackoffMs(failed, backoffBaseMs) - now : 0;
      const waitingIdx = perIndex ? indexBackoffs(owned, now, (n) => jobBackoffMs(n, backoffBaseMs)) : new Map<number, number>();
      for (const left of waitingIdx.values()) requeueAfterMs = Math.min(requeueAfterMs ?? left, left);
      // Failed indexes are done too: they are never retried.
      const done = succeeded + failedIdx.size;
      // After failures, new pods wait out the backoff (deletions never do).
      if (wait > 0 && counts.active.length < wantActive(job, done)) {
        requeueAfterMs = Math.min(requeueAfterMs ?? wait, wait);
      } else {
        active += await manageJob(job, key, counts, done, owned, failedIdx, new Set(waitingIdx.keys()));
      }
    }

    status.active = active;
    status.succeeded = succeeded;
    status.failed = failed;
    status.ready = finish ? 0 : counts.ready;
    status.terminating = owned.filter((p) => p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length;
    if (indexed) status.completedIndexes = formatIndexes(counts.succeededIndexes);
    if (perIndex) status.failedIndexes = formatIndexes(failedIdx);
    // JobStatus: active/succeeded/failed/completedIndexes are omitempty; ready and terminating are pointers, so 0 stays.
    omitZero(status, JOB_OMITEMPTY);
    // Upstream always sets the (here always empty) uncounted list, so Jobs print `uncountedTerminatedPods: {}`.
    status.uncountedTerminatedPods ??= {};
    await writeStatus(job, status);
    if (terminal) return handleTtl({ ...job, status }, finishedCondition({ ...job, status })!, now);
    return requeueAfterMs !== undefined ? { requeueAfterMs: requeueAfterMs + 20 } : undefined;
  };

  /** Creates or deletes pods toward wantActive; returns the change in active pods. */
  async function manageJob(job: Job, key: string, counts: ReturnType<typeof countPods>, succeeded: number, owned: readonly Pod[], failedIdx: ReadonlySet<number>, backingOff: ReadonlySet<number> = new Set()): Promise<number> {
    const namespace = job.metadata?.namespace ?? '';
    const want = wantActive(job, succeeded);
    // A failed index is not retried: its running pods go (a FailIndex rule may fire while a sibling runs).
    const doomed = counts.active.filter((p) => failedIdx.has(podIndex(p) ?? -1));
    if (doomed.length > 0) {
      expectations.expectDeletions(key, doomed.map(objectKey));
      await deletePods(job, doomed, key);
      return -doomed.length;
    }
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
    const perIndex = indexed && job.spec?.backoffLimitPerIndex !== undefined && job.spec?.backoffLimitPerIndex !== null;
    const slots: Array<number | undefined> = indexed
      ? missingIndexes(job.spec?.completions ?? 1, counts, want - active, new Set([...failedIdx, ...backingOff]))
      : Array.from({ length: want - active }, () => undefined);
    if (slots.length === 0) return 0;
    expectations.expectCreations(key, slots.length);
    let created = 0;
    let firstErr: unknown;
    await Promise.all(
      slots.map(async (index) => {
        try {
          const extra = index !== undefined && perIndex ? indexFailureAnnotations(job, owned, index) : undefined;
          const pod = await pods.create(podForJob(job, index, extra), { namespace });
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
export function podForJob(job: Job, index?: number, indexAnnotations?: Record<string, string>): Pod {
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
    Object.assign(annotations, indexAnnotations);
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
