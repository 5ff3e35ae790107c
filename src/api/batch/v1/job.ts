import { f, kind, object, t, type Infer, type ObjectOf, type SchemaFieldError } from '../../schema/dsl.js';
import { PodTemplateSpecSchema } from '../../core/v1/pod-template.js';
import { LabelSelectorSchema, ObjectMetaSchema, ageColumn, containerCells, fieldError, formatLabelSelector, humanDuration } from '../../meta/v1/index.js';
import { validateJobSelector, validateJobSpec } from './job-spec-validation.js';

export const PodFailurePolicyOnExitCodesRequirementSchema = object('PodFailurePolicyOnExitCodesRequirement', 'Matches failed pods by container exit codes.', {
  containerName: f(1, t.string(), 'Only this container’s exit code counts; all containers when absent.'),
  operator: f(2, t.enum('In', 'NotIn'), 'Whether an exit code must be in or out of the values.', { required: true }),
  values: f(3, t.list(t.int32(), { listType: 'set' }), 'Exit codes, sorted ascending and unique; 0 is not allowed with In.', { required: true }),
});

export const PodFailurePolicyOnPodConditionsPatternSchema = object('PodFailurePolicyOnPodConditionsPattern', 'Matches failed pods by a pod condition.', {
  type: f(1, t.string(), 'Pod condition type, e.g. DisruptionTarget.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Required status of that condition; True when absent.'),
});

export const PodFailurePolicyRuleSchema = object('PodFailurePolicyRule', 'What to do with a failed pod matching a requirement.', {
  action: f(1, t.enum('FailJob', 'FailIndex', 'Ignore', 'Count'), 'FailJob, FailIndex, Ignore (not counted) or Count (towards backoffLimit).', {
    required: true,
  }),
  onExitCodes: f(2, t.object(() => PodFailurePolicyOnExitCodesRequirementSchema), 'Match on container exit codes.'),
  onPodConditions: f(3, t.list(t.object(() => PodFailurePolicyOnPodConditionsPatternSchema)), 'Match on pod conditions (any of them).'),
});

export const PodFailurePolicySchema = object('PodFailurePolicy', 'How pod failures count towards backoffLimit.', {
  rules: f(1, t.list(t.object(() => PodFailurePolicyRuleSchema)), 'Rules tried in order; the first match decides.', { required: true }),
});

export const SuccessPolicyRuleSchema = object('SuccessPolicyRule', 'A condition under which an Indexed Job succeeds early.', {
  succeededIndexes: f(1, t.string(), 'Indexes that must succeed, e.g. "0,2-4".'),
  succeededCount: f(2, t.int32(), 'How many of those indexes must succeed.'),
});

export const SuccessPolicySchema = object('SuccessPolicy', 'When an Indexed Job may be declared succeeded.', {
  rules: f(1, t.list(t.object(() => SuccessPolicyRuleSchema)), 'Alternatives; the first met ends the Job.', { required: true }),
});

// Fields apart from the schema so the JobSpec type does not depend on the validation hook that uses it.
const jobSpecFields = {
  parallelism: f(1, t.int32(), 'Pods that may run at once.', { pointer: true }),
  completions: f(2, t.int32(), 'Successful pods needed; absent means any one success ends the Job.', { pointer: true }),
  activeDeadlineSeconds: f(3, t.int64(), 'Seconds the Job may be active before it is failed.', { pointer: true }),
  podFailurePolicy: f(11, t.object(() => PodFailurePolicySchema), 'How pod failures are handled.'),
  successPolicy: f(16, t.object(() => SuccessPolicySchema), 'Early success rules (Indexed Jobs).'),
  backoffLimit: f(7, t.int32(), 'Retries before the Job is failed.', { pointer: true }),
  backoffLimitPerIndex: f(12, t.int32(), 'Retries per index (Indexed Jobs).', { pointer: true }),
  maxFailedIndexes: f(13, t.int32(), 'Failed indexes tolerated before the Job fails.', { pointer: true }),
  selector: f(4, t.object(() => LabelSelectorSchema), 'Selects the Job’s pods; generated unless manualSelector is true.', { immutable: true }),
  manualSelector: f(5, t.bool(), 'True when the user chose the selector and pod labels.'),
  template: f(6, t.object(() => PodTemplateSpecSchema), 'The pods to run; restartPolicy must be OnFailure or Never.', { required: true }),
  ttlSecondsAfterFinished: f(8, t.int32(), 'Seconds after finishing before the Job is deleted.', { pointer: true }),
  completionMode: f(9, t.enum('NonIndexed', 'Indexed'), 'NonIndexed, or Indexed (each pod gets an index).', { immutable: true }),
  suspend: f(10, t.bool(), 'While true no pods are created (running ones are deleted).', { pointer: true }),
  podReplacementPolicy: f(14, t.enum('TerminatingOrFailed', 'Failed'), 'When failed pods are replaced.'),
  managedBy: f(15, t.string(), 'Controller reconciling this Job; kubernetes.io/job-controller when absent.', { maxLength: 63, immutable: true }),
};
export type JobSpec = ObjectOf<typeof jobSpecFields>;

export const JobSpecSchema = object(
  'JobSpec',
  'Desired behaviour of a Job.',
  jobSpecFields,
  { validate: (s, path) => validateJobSpec(s, path) },
);

export const JobConditionSchema = object('JobCondition', 'One aspect of a Job’s state (Complete, Failed, Suspended, FailureTarget…).', {
  type: f(1, t.string(), 'Condition type.', { required: true }),
  status: f(2, t.enum('True', 'False', 'Unknown'), 'Status of the condition.', { required: true }),
  lastProbeTime: f(3, t.time(), 'When the condition was last checked.'),
  lastTransitionTime: f(4, t.time(), 'When the status last changed.'),
  reason: f(5, t.string(), 'Machine-readable reason, e.g. BackoffLimitExceeded.'),
  message: f(6, t.string(), 'Human-readable details.'),
});
export type JobCondition = Infer<typeof JobConditionSchema>;

export const UncountedTerminatedPodsSchema = object('UncountedTerminatedPods', 'Finished pods not yet added to the counters.', {
  succeeded: f(1, t.list(t.string(), { listType: 'set' }), 'UIDs of succeeded pods.'),
  failed: f(2, t.list(t.string(), { listType: 'set' }), 'UIDs of failed pods.'),
});

export const JobStatusSchema = object('JobStatus', 'Observed state of a Job.', {
  conditions: f(1, t.list(t.object(() => JobConditionSchema), { listType: 'atomic' }), 'Latest observations.', {
    patchStrategy: ['merge'],
    patchMergeKey: 'type',
  }),
  startTime: f(2, t.time(), 'When the controller started the Job (reset on resume).'),
  completionTime: f(3, t.time(), 'When the Job completed successfully.'),
  active: f(4, t.int32(), 'Pending or running pods not being deleted.'),
  succeeded: f(5, t.int32(), 'Pods that succeeded.'),
  failed: f(6, t.int32(), 'Pods that failed.'),
  terminating: f(11, t.int32(), 'Pods being deleted.', { pointer: true }),
  completedIndexes: f(7, t.string(), 'Succeeded indexes, e.g. "1,3-5" (Indexed Jobs).'),
  failedIndexes: f(10, t.string(), 'Failed indexes (with backoffLimitPerIndex).', { pointer: true }),
  uncountedTerminatedPods: f(8, t.object(() => UncountedTerminatedPodsSchema), 'Finished pods not yet counted.'),
  ready: f(9, t.int32(), 'Pods with a Ready condition.', { pointer: true }),
});
export type JobStatus = Infer<typeof JobStatusSchema>;

export const JobSchema = object(
  'Job',
  'Runs pods until a number of them succeed.',
  {
    apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
    kind: f(0, t.string(), 'The kind of this object.'),
    metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
    spec: f(2, t.object(() => JobSpecSchema), 'Desired behaviour.'),
    status: f(3, t.object(() => JobStatusSchema), 'Observed state.'),
  },
  {
    // Upstream's SetDefaults_Job: on Jobs only, not on CronJob job templates.
    applyDefaults: (job) => {
      const s = job.spec;
      if (s) {
        if (s.completions === undefined && s.parallelism === undefined) s.completions = 1;
        s.parallelism ??= 1;
        s.backoffLimit ??= s.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
        s.completionMode ??= 'NonIndexed';
        s.suspend ??= false;
        s.manualSelector ??= false;
        s.podReplacementPolicy ??= s.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
        for (const rule of s.podFailurePolicy?.rules ?? []) for (const c of rule.onPodConditions ?? []) c.status ??= 'True';
      }
      // An unlabelled Job takes its template's labels.
      const labels = job.spec?.template?.metadata?.labels;
      if (labels && Object.keys(job.metadata?.labels ?? {}).length === 0) {
        job.metadata ??= {};
        job.metadata.labels = { ...labels };
      }
    },
  },
);
export type Job = Infer<typeof JobSchema>;

const isTrue = (job: Job, type: string) => (job.status?.conditions ?? []).find((c) => c.type === type)?.status === 'True';

/** The STATUS column: Complete, Failed, Terminating, Suspended, FailureTarget or Running. */
export function jobStatusText(job: Job): string {
  if (isTrue(job, 'Complete')) return 'Complete';
  if (isTrue(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (isTrue(job, 'Suspended')) return 'Suspended';
  if (isTrue(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** The COMPLETIONS column: "succeeded/completions", or "n/1 of parallelism" without completions. */
export function jobCompletionsText(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined) return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** The DURATION column: running time so far, or start to completion; empty before start. */
export function jobDurationText(job: Job, now: Date): string {
  const start = job.status?.startTime ? Date.parse(job.status.startTime) : NaN;
  if (Number.isNaN(start)) return '';
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now.getTime();
  return humanDuration(end - start);
}

function validateJobUpdate(job: Job, old: Job): SchemaFieldError[] {
  // The pod template may only change while the Job is suspended.
  if (old.spec?.suspend === true) return [];
  if (JSON.stringify(job.spec?.template) !== JSON.stringify(old.spec?.template)) {
    return [fieldError.invalid('spec.template', job.spec?.template, 'field is immutable')];
  }
  return [];
}

export const JobKind = kind<Job>({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  categories: ['all'],
  namespaced: true,
  schema: JobSchema,
  protoName: 'k8s.io.api.batch.v1.Job',
  subresources: { status: true },
  hasGeneration: true,
  fieldSelectors: { 'status.successful': (job) => String(job.status?.succeeded ?? 0) },
  validate: (job, old) => [...validateJobSelector(job.spec ?? {}, job.metadata?.uid), ...(old ? validateJobUpdate(job, old) : [])],
  printerColumns: [
    { name: 'Status', type: 'string', description: 'Status of the Job.', value: jobStatusText },
    { name: 'Completions', type: 'string', description: 'Succeeded pods out of wanted completions.', value: jobCompletionsText },
    { name: 'Duration', type: 'string', description: 'Time the Job took (or has been running).', value: jobDurationText },
    ageColumn(),
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of the template’s containers.', value: (j) => containerCells(j.spec?.template?.spec?.containers).names },
    { name: 'Images', type: 'string', priority: 1, description: 'Images of the template’s containers.', value: (j) => containerCells(j.spec?.template?.spec?.containers).images },
    { name: 'Selector', type: 'string', priority: 1, description: 'The pod selector.', value: (j) => formatLabelSelector(j.spec?.selector) },
  ],
});
