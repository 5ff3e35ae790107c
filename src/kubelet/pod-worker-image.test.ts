import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import { FakeClock } from '../client/fake-clock.js';
import { PodWorker } from './pod-worker.js';
import { workerDeps } from './test-fake-runtime.js';
import { ImagePullError, type Runtime } from './runtime.js';

/** Polls until `ok` (a deadline, not a sleep standing in for the condition). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setImmediate(r))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

/** A runtime with images whose every pull fails; createContainer must never be reached. */
function pullFailingRuntime(reason: 'ErrImagePull' | 'ErrImageNeverPull') {
  const pulls: string[] = [];
  const runtime = {
    name: 'fake',
    version: '0',
    runPodSandbox: async (config) => ({ id: 'sb', config, ip: '198.18.0.2', state: 'ready', createdAt: 0 }),
    ensureImage: async (image: string, policy: string) => {
      pulls.push(`${image} ${policy}`);
      throw new ImagePullError(reason, `failed to pull image "${image}": connection refused`);
    },
    createContainer: async () => assert.fail('createContainer without an image'),
  } as Partial<Runtime> as Runtime;
  return { runtime, pulls };
}

function worker(runtime: Runtime, clock: FakeClock, statuses: PodStatus[]): PodWorker {
  return new PodWorker(pod, workerDeps(runtime, clock, {
    patchStatus: async (_p: Pod, s: PodStatus) => void statuses.push(s),
  }));
}

const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'localhost/x:1', imagePullPolicy: 'IfNotPresent' }] } } as Pod;
const waiting = (s: PodStatus | undefined) => s?.containerStatuses?.[0]?.state?.waiting;

test('a failed pull waits as ErrImagePull, then ImagePullBackOff until the next attempt', async () => {
  const clock = new FakeClock();
  const statuses: PodStatus[] = [];
  const { runtime, pulls } = pullFailingRuntime('ErrImagePull');
  const w = worker(runtime, clock, statuses);
  w.update(pod);
  await until('ErrImagePull', () => waiting(statuses.at(-1))?.reason === 'ErrImagePull');
  assert.match(waiting(statuses.at(-1))?.message ?? '', /connection refused/);
  assert.deepEqual(pulls, ['localhost/x:1 IfNotPresent']);
  w.requestSync();
  await until('ImagePullBackOff', () => waiting(statuses.at(-1))?.reason === 'ImagePullBackOff');
  assert.equal(pulls.length, 1, 'no pull while backing off');
  await clock.advance(60_000);
  await until('more pulls, backing off in between', () => pulls.length >= 2);
  w.detach();
});

test('Never with the image missing is ErrImageNeverPull', async () => {
  const statuses: PodStatus[] = [];
  const { runtime } = pullFailingRuntime('ErrImageNeverPull');
  const w = worker(runtime, new FakeClock(), statuses);
  w.update(pod);
  await until('ErrImageNeverPull', () => waiting(statuses.at(-1))?.reason === 'ErrImageNeverPull');
  w.detach();
});
