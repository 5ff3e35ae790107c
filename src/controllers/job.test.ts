import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../api/batch/v1/job.js';
import { JobKind } from '../api/batch/v1/job.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import type { Event } from '../api/core/v1/event.js';
import { EventKind } from '../api/core/v1/event.js';
import { countPods, formatIndexes, isJobComplete, missingIndexes, wantActive } from './job-status.js';
import { jobBackoffMs, podForJob } from './job.js';
import { silentLogger } from '../client/logger.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

const job = (spec: Record<string, unknown>): Job => ({ metadata: { name: 'j', namespace: 'ns', uid: 'u1' }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } }, ...spec } }) as Job;
const pod = (phase: string, index?: number): Pod =>
  ({ metadata: { name: `p${Math.random()}`, ...(index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(index) } } : {}) }, status: { phase } }) as Pod;

describe('job arithmetic', () => {
  it('wantActive: parallelism bounded by remaining completions; work queues stop after the first success; suspend means none', () => {
    assert.equal(wantActive(job({ completions: 3, parallelism: 2 }), 0), 2);
    assert.equal(wantActive(job({ completions: 3, parallelism: 2 }), 2), 1);
    assert.equal(wantActive(job({ completions: 3, parallelism: 2 }), 3), 0);
    assert.equal(wantActive(job({ parallelism: 4 }), 0), 4);
    assert.equal(wantActive(job({ parallelism: 4 }), 1), 0);
    assert.equal(wantActive(job({ completions: 3, parallelism: 2, suspend: true }), 0), 0);
  });

  it('counts pods by phase; completion for NonIndexed, work-queue and Indexed Jobs', () => {
    const c = countPods(job({ completions: 2 }), [pod('Succeeded'), pod('Failed'), pod('Running'), pod('Pending')]);
    assert.deepEqual([c.succeeded, c.failed, c.active.length], [1, 1, 2]);
    assert.equal(isJobComplete(job({ completions: 2 }), c), false);
    assert.equal(isJobComplete(job({ completions: 1 }), c), true);
    assert.equal(isJobComplete(job({ parallelism: 2 }), c), false, 'work queue: still active pods');
    const ij = job({ completions: 4, parallelism: 2, completionMode: 'Indexed' });
    const ic = countPods(ij, [pod('Succeeded', 0), pod('Succeeded', 0), pod('Running', 2), pod('Succeeded', 3)]);
    assert.equal(ic.succeeded, 2, 'an index counts once');
    assert.deepEqual(missingIndexes(4, ic, 5), [1]);
    assert.equal(isJobComplete(ij, ic), false);
    assert.equal(formatIndexes([5, 0, 3, 4, 1, 9]), '0-1,3-5,9');
    assert.equal(formatIndexes([]), '');
  });

  it('pod failure backoff: base doubling per failure, capped at 6 minutes', () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => jobBackoffMs(n)), [0, 10_000, 20_000, 40_000]);
    assert.equal(jobBackoffMs(30), 360_000);
  });

  it('pods carry the job labels, the completion index and a controller reference', () => {
    const p = podForJob(job({ completionMode: 'Indexed' }), 3);
    assert.equal(p.metadata?.generateName, 'j-3-');
    assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-name'], 'j');
    assert.equal(p.metadata?.labels?.['batch.kubernetes.io/controller-uid'], 'u1');
    assert.equal(p.metadata?.labels?.['batch.kubernetes.io/job-index'], '3');
    assert.equal(p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], '3');
    assert.deepEqual(p.metadata?.ownerReferences?.[0], { apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u1', controller: true, blockOwnerDeletion: true });
  });
});

describe('job controller (e2e)', () => {
  let c: TestCluster;
  let cm: ControllerManager | undefined;
  before(async () => {
    c = await startCluster({ manager: false });
    cm = await startControllerManager({ client: c.client, log: silentLogger, controllers: ['job', 'garbage-collector'], options: { resyncPeriodMs: 2000 }, job: { podFailureBackoffBaseMs: 1000 } });
  });
  after(async () => {
    await cm?.stop();
    await c?.stop();
  });
  const setPhase = async (p: Pod, phase: 'Succeeded' | 'Failed') => {
    await c.client.resource<Pod>(PodKind).subresource('status').patch(p.metadata?.name ?? '', { status: { phase } }, 'merge', { namespace: 'default' });
  };
  const jobPods = async (name: string) => (await c.client.resource<Pod>(PodKind).list({ namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
  const getJob = (name: string) => c.client.resource<Job>(JobKind).get(name, { namespace: 'default' });
  const create = (name: string, spec: Record<string, unknown>) =>
    c.client.resource<Job>(JobKind).create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } }, ...spec } } as Job, { namespace: 'default' });

  it('runs 3 completions with parallelism 2 to Complete', async () => {
    await create('three', { completions: 3, parallelism: 2 });
    const seen = new Set<string>();
    for (let done = 0; done < 3; ) {
      const running = await waitFor('active pods', async () => {
        const ps = (await jobPods('three')).filter((p) => !p.status?.phase || p.status.phase === 'Pending');
        return ps.length > 0 ? ps : undefined;
      });
      assert.ok(running.length <= 2, `parallelism 2, saw ${running.length}`);
      const p = running[0]!;
      assert.equal(p.metadata?.ownerReferences?.[0]?.kind, 'Job');
      assert.ok(p.metadata?.labels?.['batch.kubernetes.io/controller-uid']);
      seen.add(p.metadata?.name ?? '');
      await setPhase(p, 'Succeeded');
      done++;
      await waitFor('succeeded counted', async () => ((await getJob('three')).status?.succeeded ?? 0) >= done);
    }
    const j = await waitFor('Complete', async () => {
      const j = await getJob('three');
      return j.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True') ? j : undefined;
    });
    assert.equal(j.status?.succeeded, 3);
    // As Go prints JobStatus: zero omitempty counters are left out, the pointer counters stay.
    assert.ok(!('active' in (j.status ?? {})) && !('failed' in (j.status ?? {})), `no active/failed: ${JSON.stringify(j.status)}`);
    assert.equal(j.status?.ready, 0);
    assert.equal(j.status?.terminating, 0);
    assert.deepEqual(j.status?.uncountedTerminatedPods, {});
    assert.ok(j.status?.startTime && j.status?.completionTime);
    assert.equal((await jobPods('three')).filter((p) => p.status?.phase === 'Succeeded').length, 3);
    assert.equal(seen.size, 3);
    // One SuccessfulCreate event per pod, naming it (not "Created pod: 1").
    const names = (await jobPods('three')).map((p) => `Created pod: ${p.metadata?.name ?? ''}`).sort();
    await waitFor('a SuccessfulCreate event per pod', async () => {
      const evs = (await c.client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === 'three' && e.reason === 'SuccessfulCreate');
      return JSON.stringify(evs.map((e) => e.message).sort()) === JSON.stringify(names);
    });
  });

  it('fails with BackoffLimitExceeded after backoffLimit+1 failed pods, and deletes a finished Job after its TTL', async () => {
    // A TTL of 3 s: the Failed condition's time has whole seconds, so a 1 s TTL could delete
    // the Job a fraction of a second after it failed, before a poll saw it Failed.
    await create('flaky', { backoffLimit: 1, ttlSecondsAfterFinished: 3 });
    let failedAt = 0;
    for (let i = 0; i < 2; i++) {
      const p = await waitFor('a pending pod', async () => (await jobPods('flaky')).find((p) => p.status?.phase !== 'Failed'));
      if (i === 1) assert.ok(Date.now() - failedAt >= 800, 'the replacement waited out the 1 s backoff');
      await setPhase(p, 'Failed');
      failedAt = Date.now();
    }
    const j = await waitFor('Failed', async () => {
      const j = await getJob('flaky').catch(() => undefined);
      return j?.status?.conditions?.find((x) => x.type === 'Failed' && x.status === 'True') ? j : undefined;
    });
    assert.equal(j.status?.conditions?.find((x) => x.type === 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(j.status?.failed, 2);
    await waitFor('job deleted after TTL', async () => (await getJob('flaky').then(() => false, () => true)), 15_000);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds; Indexed jobs get completion indexes', async () => {
    await create('slow', { activeDeadlineSeconds: 1 });
    const j = await waitFor('DeadlineExceeded', async () => {
      const j = await getJob('slow');
      return j.status?.conditions?.find((x) => x.type === 'Failed' && x.reason === 'DeadlineExceeded') ? j : undefined;
    });
    assert.equal(j.status?.active, undefined, 'omitempty');
    await waitFor('active pod deleted', async () => (await jobPods('slow')).every((p) => p.metadata?.deletionTimestamp) || undefined);

    await create('idx', { completions: 2, parallelism: 2, completionMode: 'Indexed' });
    const ps = await waitFor('two indexed pods', async () => {
      const ps = await jobPods('idx');
      return ps.length === 2 ? ps : undefined;
    });
    assert.deepEqual(ps.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1']);
    const one = ps.find((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] === '1')!;
    await setPhase(one, 'Succeeded');
    await waitFor('completedIndexes', async () => (await getJob('idx')).status?.completedIndexes === '1');
  });
});
