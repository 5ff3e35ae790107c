import type { KindSpec } from '../../schema/dsl.js';
import { CronJobKind } from './cron-job.js';
import { JobKind } from './job.js';

export * from './cron-schedule.js';
export * from './job-selector.js';
export * from './job-spec-validation.js';
export * from './job.js';
export * from './cron-job.js';

/** Every batch/v1 kind, in the order discovery lists them. */
export const batchV1Kinds: readonly KindSpec[] = [CronJobKind, JobKind];
