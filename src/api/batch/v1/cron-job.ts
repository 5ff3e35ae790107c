import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectReferenceSchema } from '../../core/v1/references.js';
import { ObjectMetaSchema, ageColumn, boolPtr, containerCells, fieldError, formatLabelSelector, nonNegative, timestampSince } from '../../meta/v1/index.js';
import { JobSpecSchema } from './job.js';
import { cronScheduleProblem } from './cron-schedule.js';

export const JobTemplateSpecSchema = object('JobTemplateSpec', 'The Job a CronJob creates on each run.', {
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Labels and annotations of the created Jobs.'),
  spec: f(2, t.object(() => JobSpecSchema), 'Spec of the created Jobs.'),
});

/** Whether `tz` names an IANA time zone this runtime knows. */
function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const CronJobSpecSchema = object(
  'CronJobSpec',
  'When and how a CronJob runs Jobs.',
  {
    schedule: f(1, t.string(), 'Cron schedule, e.g. "*/5 * * * *" or "@hourly".', { required: true }),
    timeZone: f(8, t.string(), 'IANA time zone of the schedule; the controller’s zone when absent.'),
    startingDeadlineSeconds: f(2, t.int64(), 'Seconds after a missed time during which the run may still start.', {
      pointer: true,
      validate: (v, p) => nonNegative(v, p),
    }),
    concurrencyPolicy: f(3, t.enum('Allow', 'Forbid', 'Replace'), 'Allow overlapping runs, Forbid them (skip), or Replace the running Job.', {
      default: 'Allow',
    }),
    suspend: f(4, t.bool(), 'While true no new runs start.', { default: false }),
    jobTemplate: f(5, t.object(() => JobTemplateSpecSchema), 'The Job to create.', { required: true }),
    successfulJobsHistoryLimit: f(6, t.int32(), 'Finished successful Jobs kept.', { default: 3, pointer: true, validate: (v, p) => nonNegative(v, p) }),
    failedJobsHistoryLimit: f(7, t.int32(), 'Finished failed Jobs kept.', { default: 1, pointer: true, validate: (v, p) => nonNegative(v, p) }),
  },
  {
    validate: (s, path) => {
      const errs: SchemaFieldError[] = [];
      const sp = `${path}.schedule`;
      if (s.schedule === '') errs.push(fieldError.required(sp));
      else if (s.schedule !== undefined) {
        const problem = cronScheduleProblem(s.schedule);
        if (problem) errs.push(fieldError.invalid(sp, s.schedule, problem));
        if (s.schedule.includes('TZ')) {
          errs.push(fieldError.invalid(sp, s.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
        }
      }
      if (s.timeZone !== undefined) {
        const tp = `${path}.timeZone`;
        if (s.timeZone.toLowerCase() === 'local') {
          errs.push(fieldError.invalid(tp, s.timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
        } else if (!knownTimeZone(s.timeZone)) {
          errs.push(fieldError.invalid(tp, s.timeZone, `unknown time zone ${s.timeZone}`));
        }
      }
      return errs;
    },
  },
);
export type CronJobSpec = Infer<typeof CronJobSpecSchema>;

export const CronJobStatusSchema = object('CronJobStatus', 'Observed state of a CronJob.', {
  active: f(1, t.list(t.object(() => ObjectReferenceSchema), { listType: 'atomic' }), 'Jobs currently running.'),
  lastScheduleTime: f(4, t.time(), 'When a Job was last scheduled.'),
  lastSuccessfulTime: f(5, t.time(), 'When a Job last completed successfully.'),
});

export const CronJobSchema = object('CronJob', 'Creates Jobs on a schedule.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  spec: f(2, t.object(() => CronJobSpecSchema), 'Schedule and Job template.'),
  status: f(3, t.object(() => CronJobStatusSchema), 'Observed state.'),
});
export type CronJob = Infer<typeof CronJobSchema>;

const templateContainers = (cj: CronJob) => cj.spec?.jobTemplate?.spec?.template?.spec?.containers;

export const CronJobKind = kind<CronJob>({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  categories: ['all'],
  namespaced: true,
  schema: CronJobSchema,
  protoName: 'k8s.io.api.batch.v1.CronJob',
  subresources: { status: true },
  hasGeneration: true,
  // CronJob names become Job name prefixes (<name>-<minutes since epoch>), hence 52 characters.
  validate: (cj) => {
    const name = cj.metadata?.name ?? '';
    return name.length > 52 ? [fieldError.invalid('metadata.name', name, 'must be no more than 52 characters')] : [];
  },
  printerColumns: [
    { name: 'Schedule', type: 'string', description: 'The cron schedule.', value: (cj) => cj.spec?.schedule ?? '' },
    { name: 'Timezone', type: 'string', description: 'Time zone of the schedule.', value: (cj) => cj.spec?.timeZone ?? '<none>' },
    { name: 'Suspend', type: 'boolean', description: 'Whether new runs are suspended.', value: (cj) => boolPtr(cj.spec?.suspend) },
    { name: 'Active', type: 'integer', description: 'Running Jobs.', value: (cj) => (cj.status?.active ?? []).length },
    {
      name: 'Last Schedule',
      type: 'string',
      description: 'Time since a Job was last scheduled.',
      value: (cj, now) => (cj.status?.lastScheduleTime ? timestampSince(cj.status.lastScheduleTime, now) : '<none>'),
    },
    ageColumn(),
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the template’s containers.', value: (cj) => containerCells(templateContainers(cj)).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the template’s containers.', value: (cj) => containerCells(templateContainers(cj)).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'The Jobs’ pod selector.', value: (cj) => formatLabelSelector(cj.spec?.jobTemplate?.spec?.selector) },
  ],
});
