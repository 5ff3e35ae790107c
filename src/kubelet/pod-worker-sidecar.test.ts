import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import { FakeClock } from '../client/fake-clock.js';
import { syncInitContainers, terminationWaves } from './pod-sidecars.js';
import { PodWorker } from './pod-worker.js';
import { fakeRuntime, workerDeps } from './test-fake-runtime.js';
import type { ContainerStatus } from './runtime.js';

const sidecar = (name: string): Container => ({ name, image: 'x', restartPolicy: 'Always' });
const plain = (name: string): Container => ({ name, image: 'x' });

function podWith(initContainers: Container[], restartPolicy = 'Always'): Pod {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { restartPolicy, terminationGracePeriodSeconds: 5, initContainers, containers: [plain('app')] } } as Pod;
}

function start(pod: Pod) {
  const clock = new FakeClock();
  const rt = fakeRuntime({ clock });
  const statuses: PodStatus[] = [];
  let finished = false;
  const worker = new PodWorker(pod, workerDeps(rt.runtime, clock, {
    patchStatus: async (_p, status) => void statuses.push(status),
    onFinished: () => (finished = true),
  }));
  worker.update(pod);
  const last = (): PodStatus | undefined => statuses.at(-1);
  const init = (name: string) => last()?.initContainerStatuses?.find((s) => s.name === name);
  const cond = (type: string) => last()?.conditions?.find((c) => c.type === type)?.status;
  /** Makes a container exit and tells the worker, as the runtime's exit event does. */
  const exit = (name: string, code: number) => (rt.exit(name, code), worker.requestSync());
  return { ...rt, clock, worker, last, init, cond, exit, finished: () => finished };
}

/** Polls until `ok` (a deadline, not a sleep standing in for the condition). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setImmediate(r))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}
const running = (s: { state?: { running?: unknown } } | undefined) => s?.state?.running !== undefined;

test('init containers start in order; a started sidecar lets the next one start and keeps running beside the app', async () => {
  const w = start(podWith([plain('setup'), sidecar('proxy'), plain('migrate')]));
  await until('setup running', () => running(w.init('setup')));
  assert.deepEqual(w.log, ['start setup']);
  w.exit('setup', 0);
  await until('migrate running', () => running(w.init('migrate')));
  assert.deepEqual(w.log, ['start setup', 'start proxy', 'start migrate'], 'the sidecar does not block the next init container');
  assert.equal(w.cond('Initialized'), 'False');
  w.exit('migrate', 0);
  await until('app running', () => running(w.last()?.containerStatuses?.[0]));
  assert.ok(running(w.init('proxy')));
  assert.equal(w.init('proxy')?.started, true);
  assert.equal(w.init('proxy')?.ready, true, 'no readinessProbe: ready once started');
  assert.equal(w.init('migrate')?.ready, false);
  assert.equal(w.cond('Initialized'), 'True');
  assert.equal(w.cond('Ready'), 'True');
  assert.equal(w.last()?.phase, 'Running');
  w.worker.detach();
});

test('an exited sidecar is restarted (CrashLoopBackOff after the first) whatever the restartPolicy, and does not stop the app', async () => {
  const w = start(podWith([sidecar('proxy')], 'Never'));
  await until('app running', () => running(w.last()?.containerStatuses?.[0]));
  w.exit('proxy', 1);
  await until('proxy restarted', () => w.init('proxy')?.restartCount === 1 && running(w.init('proxy')));
  assert.equal(w.init('proxy')?.lastState?.terminated?.exitCode, 1);
  w.exit('proxy', 0); // even a clean exit: sidecars always restart
  await until('back-off', () => w.init('proxy')?.state?.waiting?.reason === 'CrashLoopBackOff');
  assert.equal(w.cond('Ready'), 'False', 'a sidecar that is down makes the pod unready');
  assert.match(String(w.last()?.conditions?.find((c) => c.type === 'Ready')?.message), /\[proxy\]/);
  assert.ok(running(w.last()?.containerStatuses?.[0]), 'the app keeps running');
  await w.clock.advance(10_000);
  await until('proxy restarted again', () => w.init('proxy')?.restartCount === 2 && running(w.init('proxy')));
  assert.equal(w.cond('Ready'), 'True');
  w.worker.detach();
});

for (const [code, phase] of [[0, 'Succeeded'], [3, 'Failed']] as const) {
  test(`a Job-style pod is ${phase} when its app container exits ${code}: its sidecars are then stopped, last declared first`, async () => {
    const w = start(podWith([sidecar('first'), sidecar('second')], 'Never'));
    await until('app running', () => running(w.last()?.containerStatuses?.[0]));
    w.exit('app', code);
    await until(phase, () => w.last()?.phase === phase);
    assert.deepEqual(w.log, ['start first', 'start second', 'start app', 'stop second', 'stop first']);
    for (const name of ['first', 'second']) assert.equal(w.init(name)?.state?.terminated?.exitCode, 143, `${name} was stopped, not restarted`);
    assert.equal(w.last()?.containerStatuses?.[0]?.state?.terminated?.exitCode, code);
    w.worker.detach();
  });
}

test('on deletion the app containers stop first, then the sidecars in reverse order', async () => {
  const pod = podWith([sidecar('first'), sidecar('second')]);
  const w = start(pod);
  await until('app running', () => running(w.last()?.containerStatuses?.[0]));
  w.worker.update({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-11-27T00:00:00Z', deletionGracePeriodSeconds: 5 } });
  await until('finished', w.finished);
  assert.deepEqual(w.log.slice(3), ['stop app', 'stop second', 'stop first']);
});

test('syncInitContainers: a sidecar not yet started (startupProbe, postStart) holds the next init container back', async () => {
  const ensured: string[] = [];
  const host = (started: boolean) => ({
    ensure: async (c: Container) => (ensured.push(c.name ?? ''), { id: c.name ?? '', name: c.name ?? '', image: 'x', state: 'running', createdAt: 0, logPath: '', labels: {} } as ContainerStatus),
    started: () => started,
  });
  const inits = [sidecar('proxy'), plain('migrate')];
  assert.deepEqual(await syncInitContainers(inits, 'Always', false, host(false)), { done: false, failed: false });
  assert.deepEqual(ensured, ['proxy']);
  ensured.length = 0;
  assert.deepEqual(await syncInitContainers(inits, 'Always', true, host(false)), { done: true, failed: false }, 'once initialized, sidecars are only kept running');
  assert.deepEqual(ensured, ['proxy']);
});

test('terminationWaves: everything else at once, then sidecars one by one in reverse', () => {
  const names = terminationWaves(podWith([plain('setup'), sidecar('a'), sidecar('b')]), [plain('debug')]).map((w) => w.map((c) => c.name));
  assert.deepEqual(names, [['setup', 'app', 'debug'], ['b'], ['a']]);
});
