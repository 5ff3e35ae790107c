/** The scheduler: a kube-scheduler-like framework of small plugins (see README in STYLE.md terms). */
export { startScheduler, type StartSchedulerOptions, type RunningScheduler } from './start.js';
export { defaultConfig, parseSchedulerConfig, loadSchedulerConfig, type SchedulerConfig, type ProfileConfig } from './config.js';
export { LAST_ATTEMPT_ANNOTATION, fitErrorMessage, histogram, type Verdict } from './explain.js';
export type { Status, StatusCode } from './status.js';
