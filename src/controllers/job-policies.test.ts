import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../api/batch/v1/job.js';
import type { Pod } from '../api/core/v1/pod.js';
import { failJobMessage, isCountedFailure, matchPodFailurePolicy } from './job-pod-failure-policy.js';
import { matchSuccessPolicy, parseIndexes } from './job-success-policy.js';
import { failedIndexes, indexFailureAnnotations, isIndexFailed } from './job-failed-indexes.js';
import { allPodsTerminal, recordedFinish } from './job-finish.js';
import { countPods, missingIndexes } from './job-status.js';

const FC = 'batch.kubernetes.io/job-index-failure-count';
const IFC = 'batch.kubernetes.io/job-index-ignored-failure-count';

const job = (spec: Record<string, unknown>): Job => ({ metadata: { name: 'j', namespace: 'ns', uid: 'u1' }, spec: { template: { spec: { containers: [{ name: 'main' }], restartPolicy: 'Never' } }, ...spec } }) as Job;

/** A failed pod whose containers exited with these codes; `index` and annotations for Indexed Jobs. */
function failed(codes: Record<string, number>, opts: { init?: Record<string, number>; conditions?: Array<{ type: string; status: string }>; index?: number; ann?: Record<string, string>; phase?: string } = {}): Pod {
  const statuses = (m: Record<string, number>) => Object.entries(m).map(([name, exitCode]) => ({ name, state: { terminated: { exitCode } } }));
  const annotations = { ...(opts.index !== undefined ? { 'batch.kubernetes.io/job-completion-index': String(opts.index) } : {}), ...opts.ann };
  return {
    metadata: { name: `p${Math.random().toString(36).slice(2, 7)}`, namespace: 'ns', annotations },
    status: { phase: opts.phase ?? 'Failed', containerStatuses: statuses(codes), initContainerStatuses: statuses(opts.init ?? {}), conditions: opts.conditions ?? [] },
  } as unknown as Pod;
}

describe('pod failure policy matching', () => {
  const policy = {
    rules: [
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2, 42] } },
      { action: 'FailIndex', onExitCodes: { operator: 'In', values: [2] } },
    ],
  } as NonNullable<NonNullable<Job['spec']>['podFailurePolicy']>;

  it('FailJob on a listed exit code, with upstream’s message', () => {
    const p = failed({ main: 42 });
    p.metadata!.name = 'pi-abc';
    assert.deepEqual(matchPodFailurePolicy(policy, p), { action: 'FailJob', countFailed: true, message: 'Container main for pod ns/pi-abc failed with exit code 42 matching FailJob rule at index 0' });
  });

  it('containerName restricts the match; init containers are checked after the regular ones; exit code 0 never matches', () => {
    assert.equal(matchPodFailurePolicy(policy, failed({ side: 42 })).action, undefined, 'rule 0 is for container main only');
    assert.equal(matchPodFailurePolicy(policy, failed({ main: 0, side: 42 })).action, undefined);
    assert.equal(matchPodFailurePolicy(policy, failed({ main: 0 }, { init: { main: 42 } })).action, 'FailJob', 'an init container of that name');
    assert.equal(matchPodFailurePolicy(policy, failed({ main: 0 })).action, undefined, 'exit code 0 matches no NotIn rule');
    assert.equal(matchPodFailurePolicy(policy, failed({ other: 9, main: 42 })).action, 'FailJob', 'rules are tried in order, whichever container matches');
  });

  it('Ignore on a pod condition is not counted; no match counts; NotIn matches other codes', () => {
    const disrupted = failed({ main: 137 }, { conditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    assert.deepEqual(matchPodFailurePolicy(policy, disrupted), { action: 'Ignore', countFailed: false });
    assert.deepEqual(matchPodFailurePolicy(policy, failed({ main: 1 })), { countFailed: true });
    assert.deepEqual(matchPodFailurePolicy(policy, failed({ main: 3 })), { action: 'Count', countFailed: true });
    assert.deepEqual(matchPodFailurePolicy(policy, failed({ main: 2 })), { action: 'FailIndex', countFailed: true });
    assert.deepEqual(matchPodFailurePolicy(undefined, failed({ main: 42 })), { countFailed: true });
    const cond = matchPodFailurePolicy({ rules: [{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget' }] }] } as never, disrupted);
    assert.match(cond.message ?? '', /^Pod ns\/p\w+ has condition DisruptionTarget matching FailJob rule at index 0$/);
  });

  it('counting and the FailJob message of a Job', () => {
    const j = job({ podFailurePolicy: policy });
    const pods = [failed({ main: 0 }, { phase: 'Succeeded' }), failed({ main: 137 }, { conditions: [{ type: 'DisruptionTarget', status: 'True' }] }), failed({ main: 1 })];
    assert.equal(countPods(j, pods).failed, 1, 'the ignored failure does not count');
    assert.equal(isCountedFailure(j, failed({ main: 42 }, { phase: 'Running' })), false, 'only Failed pods');
    assert.equal(failJobMessage(j, pods), undefined);
    assert.match(failJobMessage(j, [...pods, failed({ main: 42 })]) ?? '', /exit code 42 matching FailJob rule at index 0$/);
  });
});

describe('success policy', () => {
  it('parses index lists; a bad list yields nothing', () => {
    assert.deepEqual([...parseIndexes('0,2-4,9', 5)], [0, 2, 3, 4]);
    assert.equal(parseIndexes('1-x', 5).size, 0);
    assert.equal(parseIndexes('3-1', 5).size, 0);
  });

  it('succeededIndexes alone needs all of them; with succeededCount, that many of them; succeededCount alone counts any', () => {
    const j = (rules: unknown[]) => job({ completionMode: 'Indexed', completions: 5, successPolicy: { rules } });
    assert.equal(matchSuccessPolicy(j([{ succeededIndexes: '0,2' }]), new Set([0])), undefined);
    assert.equal(matchSuccessPolicy(j([{ succeededIndexes: '0,2' }]), new Set([0, 2])), 'Matched rules at index 0');
    assert.equal(matchSuccessPolicy(j([{ succeededIndexes: '1-4', succeededCount: 2 }]), new Set([0, 3])), undefined);
    assert.equal(matchSuccessPolicy(j([{ succeededIndexes: '1-4', succeededCount: 2 }]), new Set([3, 4])), 'Matched rules at index 0');
    assert.equal(matchSuccessPolicy(j([{ succeededIndexes: 'bad' }, { succeededCount: 1 }]), new Set([4])), 'Matched rules at index 1');
    assert.equal(matchSuccessPolicy(j([{ succeededCount: 1 }]), new Set()), undefined, 'nothing succeeded yet');
    assert.equal(matchSuccessPolicy(job({ completionMode: 'Indexed', completions: 5 }), new Set([0, 1, 2, 3, 4])), undefined, 'no policy');
  });
});

describe('backoffLimitPerIndex', () => {
  const j = job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [5] } }, { action: 'FailIndex', onExitCodes: { operator: 'In', values: [7] } }] } });

  it('a replacement pod carries the index’s counted and ignored failures', () => {
    assert.deepEqual(indexFailureAnnotations(j, [], 0), { [FC]: '0' });
    const first = failed({ main: 1 }, { index: 0, ann: { [FC]: '0' } });
    assert.deepEqual(indexFailureAnnotations(j, [first], 0), { [FC]: '1' });
    assert.deepEqual(indexFailureAnnotations(j, [first], 1), { [FC]: '0' }, 'other index');
    const ignored = failed({ main: 5 }, { index: 0, ann: { [FC]: '1' } });
    assert.deepEqual(indexFailureAnnotations(j, [first, ignored], 0), { [FC]: '1', [IFC]: '1' }, 'the latest pod, ignored failure');
  });

  it('an index fails when its retries are used up or on FailIndex; ignored failures never fail it', () => {
    assert.equal(isIndexFailed(j, failed({ main: 1 }, { index: 0, ann: { [FC]: '0' } })), false);
    assert.equal(isIndexFailed(j, failed({ main: 1 }, { index: 0, ann: { [FC]: '1' } })), true);
    assert.equal(isIndexFailed(j, failed({ main: 5 }, { index: 0, ann: { [FC]: '1' } })), false);
    assert.equal(isIndexFailed(j, failed({ main: 7 }, { index: 0, ann: { [FC]: '0' } })), true);
    const pods = [failed({ main: 7 }, { index: 2 }), failed({ main: 1 }, { index: 1, ann: { [FC]: '0' } }), failed({ main: 1 }, { index: 9, ann: { [FC]: '3' } })];
    const fi = failedIndexes(j, pods);
    assert.deepEqual([...fi], [2], 'index 9 is beyond completions');
    assert.deepEqual(missingIndexes(3, countPods(j, pods), 3, fi), [0, 1], 'a failed index is not retried');
  });
});

describe('two-step finish', () => {
  it('reads back an interim condition as the outcome; terminal only when every pod stopped', () => {
    const j = job({});
    j.status = { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'PodFailurePolicy', message: 'm' }] };
    assert.deepEqual(recordedFinish(j), { type: 'Failed', reason: 'PodFailurePolicy', message: 'm' });
    j.status = { conditions: [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'SuccessPolicy', message: 'Matched rules at index 0' }] };
    assert.deepEqual(recordedFinish(j), { type: 'Complete', reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    assert.equal(recordedFinish(job({})), undefined);
    assert.equal(allPodsTerminal([failed({ main: 1 }), failed({}, { phase: 'Succeeded' })]), true);
    assert.equal(allPodsTerminal([failed({ main: 1 }), failed({}, { phase: 'Running' })]), false);
  });
});
