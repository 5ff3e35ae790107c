import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../api/batch/v1/job.js';
import { JobKind } from '../api/batch/v1/job.js';
import type { Pod } from '../api/core/v1/pod.js';
import { PodKind } from '../api/core/v1/pod.js';
import { silentLogger } from '../client/logger.js';
import { indexBackoffs } from './job-failed-indexes.js';
import { jobBackoffMs } from './job.js';
import { startControllerManager, type ControllerManager } from './manager.js';
import { startCluster, waitFor, type TestCluster } from './test-support.js';

const failedPod = (index: number, failures: number, finishedAt: string, ignored = 0): Pod => ({
  metadata: {
    name: `p${index}-${failures}`,
    annotations: {
      'batch.kubernetes.io/job-completion-index': String(index),
      'batch.kubernetes.io/job-index-failure-count': String(failures),
      ...(ignored ? { 'batch.kubernetes.io/job-index-ignored-failure-count': String(ignored) } : {}),
    },
  },
  status: { phase: 'Failed', containerStatuses: [{ name: 'main', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt } } }] },
});

test('each index waits its own back-off from its latest failure', () => {
  const t0 = Date.parse('2026-11-28T00:00:00Z');
  const pods = [failedPod(0, 0, '2026-11-28T00:00:00Z'), failedPod(0, 1, '2026-11-28T00:00:30Z'), failedPod(2, 0, '2026-11-28T00:00:00Z', 1)];
  const waits = indexBackoffs(pods, t0 + 35_000, (n) => jobBackoffMs(n));
  // Index 0: its second failure (10 s × 2) ended at +30 s → 15 s left; index 2: two failures (one ignored) → 20 s from 0 s, over.
  assert.deepEqual([...waits], [[0, 15_000]]);
  assert.equal(indexBackoffs(pods, t0 + 60_000, (n) => jobBackoffMs(n)).size, 0);
});

describe('job controller: back-off per index (against an API server)', () => {
  let c: TestCluster;
  let cm: ControllerManager | undefined;
  before(async () => {
    c = await startCluster({ manager: false });
    // A back-off far longer than the test: a pod created while one is due shows it was not applied.
    cm = await startControllerManager({ client: c.client, log: silentLogger, controllers: ['job'], job: { podFailureBackoffBaseMs: 600_000 } });
  });
  after(async () => {
    await cm?.stop();
    await c?.stop();
  });

  it('a failed index waits; the other indexes do not wait for it', async () => {
    const jobs = c.client.resource<Job>(JobKind);
    const podsApi = c.client.resource<Pod>(PodKind);
    await jobs.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'steps' }, spec: { completionMode: 'Indexed', completions: 2, parallelism: 1, backoffLimitPerIndex: 3, template: { spec: { containers: [{ name: 'main', image: 'busybox' }], restartPolicy: 'Never' } } } } as Job, { namespace: 'default' });
    const list = async () => (await podsApi.list({ namespace: 'default', labelSelector: 'batch.kubernetes.io/job-name=steps' })).items;
    const indexOf = (p: Pod) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'];
    const zero = await waitFor('index 0 pod', async () => (await list()).find((p) => indexOf(p) === '0'));
    const finishedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const containerStatuses = [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error', finishedAt } } }];
    await podsApi.subresource('status').patch(zero.metadata?.name ?? '', { status: { phase: 'Failed', containerStatuses } }, 'merge', { namespace: 'default' });
    await waitFor('index 1 started without waiting for index 0', async () => (await list()).find((p) => indexOf(p) === '1'), 20_000);
    assert.equal((await list()).filter((p) => indexOf(p) === '0').length, 1, 'index 0 is not retried before its back-off');
  });
});
