import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import { FakeClock } from '../client/fake-clock.js';
import { PodWorker } from './pod-worker.js';
import { fakeRuntime, workerDeps } from './test-fake-runtime.js';

interface Recorded {
  type: string;
  reason: string;
  message: string;
  fieldPath: string | undefined;
}

function podWith(opts: { image: string; initImage?: string; sidekick?: boolean; restartPolicy?: string; rv?: string }): Pod {
  return {
    metadata: { name: 'tick', namespace: 'ns', uid: 'u1', resourceVersion: opts.rv ?? '1' },
    spec: {
      restartPolicy: opts.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: 5,
      ...(opts.initImage ? { initContainers: [{ name: 'init', image: opts.initImage, command: ['sleep', '300'] }] } : {}),
      containers: [{ name: 'tick', image: opts.image, command: ['sleep', '300'] }, ...(opts.sidekick ? [{ name: 'sidekick', image: 'busybox:1', command: ['sleep', '300'] }] : [])],
    },
  } as Pod;
}

function start(pod: Pod) {
  const clock = new FakeClock();
  const rt = fakeRuntime({ clock });
  const events: Recorded[] = [];
  const statuses: PodStatus[] = [];
  /** resourceVersion of the pod at each sync's start (volume set-up opens every sync). */
  const syncs: string[] = [];
  const worker = new PodWorker(pod, workerDeps(rt.runtime, clock, {
    events: { event: (_pod, type, reason, message, fieldPath) => events.push({ type, reason, message, fieldPath }) },
    volumes: { setUp: async (p) => (syncs.push(p.metadata?.resourceVersion ?? ''), true), mountsFor: () => [], tearDown: async () => {} },
    patchStatus: async (_p, status) => void statuses.push(status),
  }));
  worker.update(pod);
  const last = (): PodStatus | undefined => statuses.at(-1);
  /** Hands the worker a pod update and waits until a sync of it has finished (a second one has begun). */
  const updated = async (p: Pod): Promise<void> => {
    worker.update(p);
    worker.requestSync();
    const rv = p.metadata?.resourceVersion ?? '';
    await until(`a sync of ${rv} to end`, () => syncs.filter((v) => v === rv).length >= 2);
  };
  return { ...rt, worker, events, statuses, last, updated };
}

/** Polls until `ok` (a deadline, not a sleep standing in for the condition). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setImmediate(r))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

const app = (s: PodStatus | undefined) => s?.containerStatuses?.[0];

for (const restartPolicy of ['Always', 'Never']) {
  test(`a running container whose image changed is killed and started again with the new image (restartPolicy ${restartPolicy})`, async () => {
    const w = start(podWith({ image: 'busybox:1', restartPolicy }));
    await until('running', () => app(w.last())?.state?.running !== undefined);
    const before = app(w.last());
    assert.equal(before?.image, 'busybox:1');
    assert.equal(before?.containerID, 'fake://c0');
    const eventsBefore = w.events.length;

    w.worker.update(podWith({ image: 'busybox:2', restartPolicy, rv: '2' }));
    await until('restarted', () => app(w.last())?.restartCount === 1 && app(w.last())?.state?.running !== undefined);
    const after = app(w.last());
    assert.equal(after?.image, 'busybox:2');
    assert.equal(after?.containerID, 'fake://c1');
    assert.equal(after?.lastState?.terminated?.exitCode, 143);
    assert.equal(w.last()?.phase, 'Running');
    assert.deepEqual(w.stopped, ['c0']);
    assert.deepEqual(w.removed, ['c0']);
    assert.equal(w.containers.get('c1')?.image, 'busybox:2');
    assert.deepEqual(w.events.slice(eventsBefore), [
      { type: 'Normal', reason: 'Killing', message: 'Container tick definition changed, will be restarted', fieldPath: 'spec.containers{tick}' },
      { type: 'Normal', reason: 'Pulled', message: 'Container image "busybox:2" already present on machine', fieldPath: 'spec.containers{tick}' },
      { type: 'Normal', reason: 'Created', message: 'Created container tick', fieldPath: 'spec.containers{tick}' },
      { type: 'Normal', reason: 'Started', message: 'Started container tick', fieldPath: 'spec.containers{tick}' },
    ]);
    w.worker.detach();
  });
}

test('an update that leaves the image alone restarts nothing', async () => {
  const w = start(podWith({ image: 'busybox:1' }));
  await until('running', () => app(w.last())?.state?.running !== undefined);
  const pod = podWith({ image: 'busybox:1', rv: '2' });
  await w.updated({ ...pod, metadata: { ...pod.metadata, labels: { changed: 'yes' } } });
  assert.deepEqual(w.stopped, []);
  assert.equal(app(w.last())?.restartCount, 0);
  w.worker.detach();
});

test('an exited container whose image changed follows the restartPolicy: Never leaves it exited', async () => {
  const w = start(podWith({ image: 'busybox:1', sidekick: true, restartPolicy: 'Never' }));
  await until('running', () => app(w.last())?.state?.running !== undefined);
  w.exit('tick', 0);
  w.worker.requestSync();
  await until('tick exited', () => app(w.last())?.state?.terminated !== undefined);
  await w.updated(podWith({ image: 'busybox:2', sidekick: true, restartPolicy: 'Never', rv: '2' }));
  assert.equal(w.containers.size, 2, 'no new container');
  assert.equal(app(w.last())?.restartCount, 0);
  assert.equal(app(w.last())?.image, 'busybox:1', 'the image the container ran');
  assert.equal(w.last()?.phase, 'Running');
  w.worker.detach();
});

test('a running init container is not restarted for a new image, and its status keeps the image it runs', async () => {
  const w = start(podWith({ image: 'busybox:1', initImage: 'init:1' }));
  await until('init running', () => w.last()?.initContainerStatuses?.[0]?.state?.running !== undefined);
  await w.updated(podWith({ image: 'busybox:1', initImage: 'init:2', rv: '2' }));
  assert.deepEqual(w.stopped, []);
  assert.equal(w.last()?.initContainerStatuses?.[0]?.image, 'init:1');
  w.worker.detach();
});

test('a container in CrashLoopBackOff whose image changed starts at once: a new definition has no back-off', async () => {
  const w = start(podWith({ image: 'busybox:1' }));
  await until('running', () => app(w.last())?.state?.running !== undefined);
  w.exit('tick', 1);
  w.worker.requestSync(); // the first restart is immediate
  await until('restarted once', () => app(w.last())?.restartCount === 1 && app(w.last())?.state?.running !== undefined);
  w.exit('tick', 1);
  w.worker.requestSync(); // the second waits 10 s (the fake clock does not move)
  await until('back-off', () => app(w.last())?.state?.waiting?.reason === 'CrashLoopBackOff');
  await w.updated(podWith({ image: 'busybox:2', rv: '2' }));
  const now = app(w.last());
  assert.equal(now?.restartCount, 2);
  assert.ok(now?.state?.running, JSON.stringify(now?.state));
  assert.equal(now?.image, 'busybox:2');
  w.worker.detach();
});
