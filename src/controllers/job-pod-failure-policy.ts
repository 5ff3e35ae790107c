/**
 * spec.podFailurePolicy: which rule a failed pod matches and what that means for the Job
 * (upstream's matchPodFailurePolicy). Pure; table-tested in job-policies.test.ts.
 */
import type { Job } from '../api/batch/v1/job.js';
import type { Pod } from '../api/core/v1/pod.js';

type Policy = NonNullable<NonNullable<Job['spec']>['podFailurePolicy']>;
type Rule = NonNullable<Policy['rules']>[number];
export type PodFailurePolicyAction = Rule['action'];

export interface PodFailurePolicyMatch {
  /** The matched rule's action; undefined when no rule matched. */
  action?: PodFailurePolicyAction;
  /** Whether the failure counts towards backoffLimit (and status.failed): false only for Ignore. */
  countFailed: boolean;
  /** For FailJob: the Job condition's message, worded as upstream. */
  message?: string;
}

interface ContainerExit {
  name?: string;
  state?: { terminated?: { exitCode?: number } };
}

/**
 * The first rule (in order) the failed pod matches. A pod with no match counts as a
 * failure, as it would without a policy.
 */
export function matchPodFailurePolicy(policy: Policy | undefined, pod: Pod): PodFailurePolicyMatch {
  const rules = policy?.rules ?? [];
  for (const [index, rule] of rules.entries()) {
    let subject: string | undefined;
    if (rule.onExitCodes) {
      const c = matchOnExitCodes(pod, rule.onExitCodes);
      if (c) subject = `Container ${c.name ?? ''} for pod ${podRef(pod)} failed with exit code ${c.state?.terminated?.exitCode ?? 0}`;
    } else if (rule.onPodConditions) {
      const cond = matchOnPodConditions(pod, rule.onPodConditions);
      if (cond) subject = `Pod ${podRef(pod)} has condition ${cond}`;
    }
    if (subject === undefined) continue;
    switch (rule.action) {
      case 'FailJob':
        return { action: 'FailJob', countFailed: true, message: `${subject} matching FailJob rule at index ${index}` };
      case 'Ignore':
        return { action: 'Ignore', countFailed: false };
      default:
        return { action: rule.action, countFailed: true };
    }
  }
  return { countFailed: true };
}

/** Whether a finished pod is a failure the Job counts (phase Failed, not ignored by the policy). */
export function isCountedFailure(job: Job, pod: Pod): boolean {
  return pod.status?.phase === 'Failed' && matchPodFailurePolicy(job.spec?.podFailurePolicy, pod).countFailed;
}

/** The FailJob message of the first failed pod that matches a FailJob rule, if any. */
export function failJobMessage(job: Job, pods: readonly Pod[]): string | undefined {
  const policy = job.spec?.podFailurePolicy;
  if (!policy) return undefined;
  for (const p of pods) {
    if (p.status?.phase !== 'Failed') continue;
    const m = matchPodFailurePolicy(policy, p);
    if (m.action === 'FailJob') return m.message;
  }
  return undefined;
}

function podRef(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Regular containers first, then init containers; only terminated ones with a non-zero exit code (as upstream). */
function matchOnExitCodes(pod: Pod, req: NonNullable<Rule['onExitCodes']>): ContainerExit | undefined {
  const lists = [pod.status?.containerStatuses, pod.status?.initContainerStatuses] as Array<ContainerExit[] | undefined>;
  for (const list of lists) {
    for (const c of list ?? []) {
      const code = c.state?.terminated?.exitCode;
      if (code === undefined || code === 0) continue;
      if (req.containerName !== undefined && req.containerName !== c.name) continue;
      const listed = (req.values ?? []).includes(code);
      if (req.operator === 'In' ? listed : !listed) return c;
    }
  }
  return undefined;
}

/** The type of the first pod condition matching a pattern (status True when the pattern omits it). */
function matchOnPodConditions(pod: Pod, patterns: NonNullable<Rule['onPodConditions']>): string | undefined {
  for (const cond of pod.status?.conditions ?? []) {
    for (const pat of patterns) {
      if (cond.type === pat.type && cond.status === (pat.status ?? 'True')) return cond.type;
    }
  }
  return undefined;
}
