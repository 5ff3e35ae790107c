import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../api/batch/v1/job.js';
import { JobKind } from '../api/batch/v1/job.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import { silentLogger } from '../client/logger.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

describe('job controller: failure and success policies (against an API server)', () => {
  let c: TestCluster;
  let cm: ControllerManager | undefined;
  before(async () => {
    c = await startCluster({ manager: false });
    cm = await startControllerManager({ client: c.client, log: silentLogger, controllers: ['job'], options: { resyncPeriodMs: 2000 }, job: { podFailureBackoffBaseMs: 200 } });
  });
  after(async () => {
    await cm?.stop();
    await c?.stop();
  });

  const pods = {
    list: async (job: string) => (await c.client.resource<Pod>(PodKind).list({ namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${job}` })).items,
    /** Ends a pod as the kubelet would: phase, the main container's exit code, extra conditions. */
    finish: async (p: Pod, phase: 'Succeeded' | 'Failed', exitCode: number, conditions: Array<{ type: string; status: string }> = []) => {
      const containerStatuses = [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed' } } }];
      await c.client.resource<Pod>(PodKind).subresource('status').patch(p.metadata?.name ?? '', { status: { phase, containerStatuses, conditions } }, 'merge', { namespace: 'default' });
    },
  };
  const index = (p: Pod) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'];
  const getJob = (name: string) => c.client.resource<Job>(JobKind).get(name, { namespace: 'default' });
  const cond = (j: Job, type: string) => j.status?.conditions?.find((x) => x.type === type && x.status === 'True');
  const create = (name: string, spec: Record<string, unknown>) =>
    c.client.resource<Job>(JobKind).create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: { containers: [{ name: 'main', image: 'busybox' }], restartPolicy: 'Never' } }, ...spec } } as Job, { namespace: 'default' });
  const waitCondition = (name: string, type: string) => waitFor(`${name} ${type}`, async () => ((j) => (cond(j, type) ? j : undefined))(await getJob(name)));
  const livePod = (name: string, idx?: string) => waitFor(`a live pod of ${name}`, async () => (await pods.list(name)).find((p) => !p.status?.phase?.match(/Succeeded|Failed/) && !p.metadata?.deletionTimestamp && (idx === undefined || index(p) === idx)));

  it('podFailurePolicy: Ignore replaces the pod without counting it; FailJob fails the Job at once with upstream’s message', async () => {
    await create('pfp', {
      backoffLimit: 6,
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
    });
    const first = await livePod('pfp');
    await pods.finish(first, 'Failed', 137, [{ type: 'DisruptionTarget', status: 'True' }]);
    const second = await waitFor('a replacement', async () => (await pods.list('pfp')).find((p) => p.metadata?.name !== first.metadata?.name));
    assert.equal((await getJob('pfp')).status?.failed, undefined, 'an ignored failure is not counted');
    await pods.finish(second, 'Failed', 42);
    const j = await waitCondition('pfp', 'Failed');
    const want = `Container main for pod default/${second.metadata?.name} failed with exit code 42 matching FailJob rule at index 0`;
    assert.deepEqual([cond(j, 'FailureTarget')?.reason, cond(j, 'FailureTarget')?.message], ['PodFailurePolicy', want]);
    assert.deepEqual([cond(j, 'Failed')?.reason, cond(j, 'Failed')?.message], ['PodFailurePolicy', want]);
    assert.equal(j.status?.failed, 1);
    assert.equal((await pods.list('pfp')).length, 2, 'no pod after FailJob');
    await waitFor('a PodFailurePolicy warning event', async () =>
      (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.find((e) => e.involvedObject?.name === 'pfp' && e.type === 'Warning' && e.reason === 'PodFailurePolicy' && e.message === want),
    );
  });

  it('backoffLimitPerIndex: a failing index is retried once, then failed; the Job fails with FailedIndexes once the rest succeeded', async () => {
    await create('perindex', { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1 });
    const zero = await livePod('perindex', '0');
    assert.equal(zero.metadata?.annotations?.['batch.kubernetes.io/job-index-failure-count'], '0');
    await pods.finish(zero, 'Failed', 1);
    const retry = await livePod('perindex', '0');
    assert.equal(retry.metadata?.annotations?.['batch.kubernetes.io/job-index-failure-count'], '1');
    await pods.finish(retry, 'Failed', 1);
    await waitFor('failedIndexes 0', async () => (await getJob('perindex')).status?.failedIndexes === '0');
    assert.equal(cond(await getJob('perindex'), 'Failed'), undefined, 'index 1 still runs');
    await pods.finish(await livePod('perindex', '1'), 'Succeeded', 0);
    const j = await waitCondition('perindex', 'Failed');
    assert.deepEqual([cond(j, 'Failed')?.reason, cond(j, 'Failed')?.message], ['FailedIndexes', 'Job has failed indexes']);
    assert.equal(j.status?.completedIndexes, '1');
    assert.equal((await pods.list('perindex')).filter((p) => index(p) === '0').length, 2, 'index 0 was not tried a third time');
  });

  it('maxFailedIndexes: exceeding it fails the Job with MaxFailedIndexesExceeded and stops the other pods', async () => {
    await create('maxfailed', { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 0, maxFailedIndexes: 0 });
    await pods.finish(await livePod('maxfailed', '2'), 'Failed', 3);
    const j = await waitCondition('maxfailed', 'Failed');
    assert.equal(cond(j, 'Failed')?.reason, 'MaxFailedIndexesExceeded');
    assert.equal(cond(j, 'Failed')?.message, 'Job has exceeded the specified maximal number of failed indexes');
    assert.equal(j.status?.failedIndexes, '2');
    assert.equal((await pods.list('maxfailed')).length, 1, 'the running pods were deleted');
  });

  it('successPolicy: the Job completes when the rule is met and the remaining pods are terminated', async () => {
    await create('early', { completionMode: 'Indexed', completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: '0' }] } });
    await waitFor('three pods', async () => (await pods.list('early')).length === 3 || undefined);
    await pods.finish(await livePod('early', '0'), 'Succeeded', 0);
    const j = await waitCondition('early', 'Complete');
    for (const t of ['SuccessCriteriaMet', 'Complete']) assert.deepEqual([cond(j, t)?.reason, cond(j, t)?.message], ['SuccessPolicy', 'Matched rules at index 0'], t);
    assert.equal(j.status?.completedIndexes, '0');
    assert.ok(j.status?.completionTime);
    assert.deepEqual((await pods.list('early')).map(index), ['0'], 'the other indexes were deleted');
  });
});
