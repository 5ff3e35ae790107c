import type { CronJob } from '../api/batch/v1/cron-job.js';
import { CronJobKind } from '../api/batch/v1/cron-job.js';
import { parseCronSchedule } from '../api/batch/v1/cron-schedule.js';
import type { Job } from '../api/batch/v1/job.js';
import { JobKind } from '../api/batch/v1/job.js';
import { jobLabels } from '../api/batch/v1/job-selector.js';
import { controller } from '../client/controller.js';
import { NAMESPACE_INDEX } from '../client/indexer.js';
import { rfc3339 } from '../client/micro-time.js';
import { controllerRef, splitKey } from '../client/object-key.js';
import { isAlreadyExists, isNotFound } from '../client/status-error.js';
import type { ControllerContext, ControllerDescriptor, RunningController } from './context.js';
import { missedScheduleTimes } from './cron-next.js';
import { finishedCondition } from './job-status.js';
import { newControllerRef } from './owner-refs.js';

const COMPONENT = 'cronjob-controller';
const GVK = { kind: 'CronJob', apiVersion: 'batch/v1' };
/** Upstream's limit before it warns about missed start times. */
export const MAX_MISSED_TIMES = 100;

/** The CronJob controller: creates Jobs on schedule (time from the injected clock). */
export const cronJobController: ControllerDescriptor = {
  name: 'cronjob',
  create: (ctx) => newCronJobController(ctx),
};

/** `<cronjob>-<minutes since the epoch of the scheduled time>`, as upstream names them. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}

export function newCronJobController(ctx: ControllerContext): RunningController {
  const cjInformer = ctx.informers.informerFor<CronJob>(CronJobKind);
  const jobInformer = ctx.informers.informerFor<Job>(JobKind);
  const jobs = ctx.client.resource<Job>(JobKind);
  const cronJobs = ctx.client.resource<CronJob>(CronJobKind);
  const recorder = ctx.recorder(COMPONENT);

  const reconcile = async (key: string) => {
    const cj = cjInformer.indexer.get(key);
    if (!cj || cj.metadata?.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const now = ctx.clock.now();
    const owned = jobInformer.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((j) => controllerRef(j)?.uid === cj.metadata?.uid);
    const status: NonNullable<CronJob['status']> = structuredClone(cj.status ?? {});

    // Active = owned Jobs not finished; completions move lastSuccessfulTime.
    const running = owned.filter((j) => !finishedCondition(j) && !j.metadata?.deletionTimestamp);
    const wasActive = new Set((cj.status?.active ?? []).map((r) => r.uid));
    for (const j of owned) {
      const done = finishedCondition(j);
      if (done && wasActive.has(j.metadata?.uid)) recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name ?? ''}, condition: ${done.type}`, GVK);
    }
    for (const j of owned) {
      if (finishedCondition(j)?.type !== 'Complete') continue;
      const done = j.status?.completionTime ?? finishedCondition(j)?.lastTransitionTime;
      if (done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = done;
    }
    status.active = [...running.map(jobRef), ...(await stillActive(cj, owned))];
    // A Job we made is proof of its run even when the cached status is older than it
    // (otherwise a stale cache would schedule the same time twice or rewind lastScheduleTime).
    for (const j of owned) {
      const scheduled = Date.parse(j.metadata?.annotations?.[jobLabels.cronJobScheduledTimestamp] ?? '');
      if (!Number.isNaN(scheduled) && (!status.lastScheduleTime || scheduled > Date.parse(status.lastScheduleTime))) status.lastScheduleTime = rfc3339(scheduled);
    }
    await cleanupHistory(cj, owned);

    let requeueAt: number | undefined;
    if (!cj.spec?.suspend) {
      let schedule;
      try {
        schedule = parseCronSchedule(cj.spec?.schedule ?? '');
      } catch (err) {
        recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule ?? '')} : ${err instanceof Error ? err.message : String(err)}`, GVK);
        await writeStatus(cj, status);
        return;
      }
      const tz = cj.spec?.timeZone ?? undefined;
      let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? '') || now;
      const sds = cj.spec?.startingDeadlineSeconds;
      if (typeof sds === 'number' && now - sds * 1000 > earliest) earliest = now - sds * 1000;
      const missed = missedScheduleTimes(schedule, earliest, now, tz, MAX_MISSED_TIMES);
      requeueAt = missed.next;
      if (missed.count > MAX_MISSED_TIMES) {
        recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew', GVK);
      }
      const due = missed.mostRecent;
      if (due !== undefined) {
        if (typeof sds === 'number' && due + sds * 1000 < now) {
          recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(due)}`, GVK);
        } else if (cj.spec?.concurrencyPolicy === 'Forbid' && running.length > 0) {
          // The run waits (upstream keeps the missed time and starts it when the active Job ends).
          recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', GVK);
        } else {
          if (cj.spec?.concurrencyPolicy === 'Replace') {
            for (const j of running) {
              await deleteJob(cj, j);
              status.active = status.active.filter((r) => r.uid !== j.metadata?.uid);
            }
          }
          const created = await createJob(cj, due);
          if (created) {
            if (!status.active.some((r) => r.uid === created.metadata?.uid)) status.active.push(jobRef(created));
            status.lastScheduleTime = rfc3339(due);
          }
        }
      }
    }
    if (status.active.length === 0) delete status.active;
    await writeStatus(cj, status);
    return requeueAt !== undefined ? { requeueAfterMs: Math.max(100, requeueAt - now + 100) } : undefined;
  };

  /**
   * Refs in status.active whose Job the cache does not hold: kept while a live read still
   * finds the Job (a cache behind our own create; its completion is then seen once the
   * cache has it), dropped with a MissingJob event once it is gone, as upstream's syncCronJob.
   */
  async function stillActive(cj: CronJob, owned: readonly Job[]): Promise<NonNullable<NonNullable<CronJob['status']>['active']>> {
    const known = new Set(owned.map((j) => j.metadata?.uid));
    const keep: NonNullable<NonNullable<CronJob['status']>['active']> = [];
    for (const ref of cj.status?.active ?? []) {
      if (known.has(ref.uid)) continue;
      try {
        const live = await jobs.get(ref.name ?? '', { namespace: ref.namespace ?? cj.metadata?.namespace ?? '' });
        if (live.metadata?.uid === ref.uid) {
          keep.push(ref);
          continue;
        }
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`, GVK);
    }
    return keep;
  }

  async function createJob(cj: CronJob, scheduledMs: number): Promise<Job | undefined> {
    const namespace = cj.metadata?.namespace ?? '';
    const job = jobFromCronJob(cj, scheduledMs);
    try {
      const created = await jobs.create(job, { namespace });
      recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata?.name ?? ''}`, GVK);
      return created;
    } catch (err) {
      if (!isAlreadyExists(err)) {
        recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`, GVK);
        throw err;
      }
      // Already made (a previous sync whose status write was lost): ours if we control it.
      const existing = await jobs.get(job.metadata?.name ?? '', { namespace });
      return controllerRef(existing)?.uid === cj.metadata?.uid ? existing : undefined;
    }
  }

  async function deleteJob(cj: CronJob, j: Job): Promise<void> {
    try {
      await jobs.delete(j.metadata?.name ?? '', { namespace: j.metadata?.namespace ?? '', propagationPolicy: 'Background' });
      recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata?.name ?? ''}`, GVK);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Keeps the newest successfulJobsHistoryLimit (3) Complete and failedJobsHistoryLimit (1) Failed Jobs. */
  async function cleanupHistory(cj: CronJob, owned: readonly Job[]): Promise<void> {
    const byStart = (a: Job, b: Job) => (a.status?.startTime ?? a.metadata?.creationTimestamp ?? '').localeCompare(b.status?.startTime ?? b.metadata?.creationTimestamp ?? '');
    for (const [type, limit] of [['Complete', cj.spec?.successfulJobsHistoryLimit ?? 3], ['Failed', cj.spec?.failedJobsHistoryLimit ?? 1]] as const) {
      const finished = owned.filter((j) => finishedCondition(j)?.type === type && !j.metadata?.deletionTimestamp).sort(byStart);
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) await deleteJob(cj, j);
    }
  }

  async function writeStatus(cj: CronJob, status: NonNullable<CronJob['status']>): Promise<void> {
    const norm = (s: CronJob['status']) => JSON.stringify([s?.active?.map((r) => r.uid) ?? [], s?.lastScheduleTime ?? '', s?.lastSuccessfulTime ?? '']);
    if (norm(cj.status) === norm(status)) return;
    try {
      await cronJobs.subresource('status').patch(cj.metadata?.name ?? '', { status: { active: status.active ?? null, lastScheduleTime: status.lastScheduleTime ?? null, lastSuccessfulTime: status.lastSuccessfulTime ?? null } }, 'merge', { namespace: cj.metadata?.namespace ?? '' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const c = controller('cronjob', { reconcile, workers: ctx.options.workers ?? 5, clock: ctx.clock, logger: ctx.log })
    .watches(cjInformer)
    .owns(jobInformer, { kind: 'CronJob', group: 'batch' });
  return { start: () => c.start(), stop: () => c.stop() };
}

/** Go's time.RFC1123Z of a UTC time ("Mon, 02 Jan 2006 15:04:05 +0000"), as upstream's MissSchedule event. */
export function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace(/ GMT$/, ' +0000');
}

function jobRef(j: Job) {
  return { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata?.name ?? '', namespace: j.metadata?.namespace ?? '', uid: j.metadata?.uid ?? '', resourceVersion: j.metadata?.resourceVersion ?? '' };
}

/** The Job a CronJob runs at `scheduledMs`: its template, the scheduled-timestamp annotation, a controller reference. */
export function jobFromCronJob(cj: CronJob, scheduledMs: number): Job {
  const tpl = cj.spec?.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj.metadata?.name ?? '', scheduledMs),
      namespace: cj.metadata?.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: { ...(tpl.metadata?.annotations ?? {}), [jobLabels.cronJobScheduledTimestamp]: rfc3339(scheduledMs) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(tpl.spec ?? {}),
  } as Job;
}
