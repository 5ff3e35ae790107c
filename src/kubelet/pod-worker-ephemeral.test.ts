/**
 * The pod worker with ephemeral containers (kubectl debug): started once in the running
 * pod, with their target's runtime id, never restarted, reported in
 * ephemeralContainerStatuses without touching phase or readiness, and stopped with the pod.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EphemeralContainer } from '../api/core/v1/container.js';
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import { FakeClock } from '../client/fake-clock.js';
import { PodWorker } from './pod-worker.js';
import { fakeRuntime, workerDeps } from './test-fake-runtime.js';

const debug = (name: string, extra: Partial<EphemeralContainer> = {}): EphemeralContainer => ({ name, image: 'busybox', command: ['sh'], targetContainerName: 'main', ...extra });

function podWith(ephemeral: EphemeralContainer[] = [], rv = '1'): Pod {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: rv },
    spec: { restartPolicy: 'Always', terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '300'] }], ...(ephemeral.length ? { ephemeralContainers: ephemeral } : {}) },
  } as Pod;
}

function start(pod: Pod, failStart: string[] = []) {
  const clock = new FakeClock();
  const rt = fakeRuntime({ clock, failStart, stopped: { exitCode: 137, reason: 'Error' }, exitReasons: true });
  const events: { reason: string; message: string; fieldPath: string | undefined }[] = [];
  const statuses: PodStatus[] = [];
  let deleted = false;
  // Volume set-up opens every sync: how many syncs ran.
  let syncs = 0;
  const worker = new PodWorker(pod, workerDeps(rt.runtime, clock, {
    events: { event: (_pod, _type, reason, message, fieldPath) => events.push({ reason, message, fieldPath }) },
    volumes: { setUp: async () => (syncs++, true), mountsFor: () => [], tearDown: async () => {} },
    patchStatus: async (_p, s) => void statuses.push(structuredClone(s)),
    deletePod: async () => void (deleted = true),
  }));
  worker.update(pod);
  const last = () => statuses.at(-1);
  const ephemeralState = (name: string) => last()?.ephemeralContainerStatuses?.find((s) => s.name === name)?.state;
  return { worker, rt, events, statuses, last, ephemeralState, clock, isDeleted: () => deleted, syncs: () => syncs };
}

/** Polls until `ok` (a deadline, not a sleep standing in for the condition). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setImmediate(r))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

test('an ephemeral container added to a running pod starts once, in its sandbox, with its target\'s runtime id', async () => {
  const t = start(podWith());
  await until('main running', () => t.last()?.containerStatuses?.[0]?.state?.running !== undefined);
  assert.equal(t.last()?.ephemeralContainerStatuses, undefined, 'none reported before there are any');
  const mainId = t.rt.byName('main')[0]?.id;
  t.worker.update(podWith([debug('dbg', { stdin: true, tty: true })], '2'));
  await until('dbg running', () => t.ephemeralState('dbg')?.running !== undefined);
  const [dbg, ...more] = t.rt.byName('dbg');
  assert.equal(more.length, 0);
  assert.equal(dbg?.sandboxId, 'sb');
  const cfg = t.rt.configs.get(dbg?.id ?? '');
  assert.deepEqual([cfg?.targetContainerId, cfg?.stdin, cfg?.tty, cfg?.argv], [mainId, true, true, ['sh']]);
  const status = t.last()?.ephemeralContainerStatuses?.[0];
  assert.deepEqual({ ready: status?.ready, restartCount: status?.restartCount, started: status?.started, containerID: status?.containerID }, { ready: false, restartCount: 0, started: undefined, containerID: `fake://${dbg?.id}` });
  assert.equal(t.last()?.phase, 'Running');
  assert.equal(t.last()?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'ephemeral containers do not count for readiness');
  assert.deepEqual(t.events.filter((e) => e.fieldPath === 'spec.ephemeralContainers{dbg}').map((e) => e.reason), ['Pulled', 'Created', 'Started']);
  t.worker.detach();
});

test('an ephemeral container that ends is never restarted, whatever the pod\'s restartPolicy, and does not end the pod', async () => {
  const t = start(podWith([debug('dbg')]));
  await until('dbg running', () => t.ephemeralState('dbg')?.running !== undefined);
  t.rt.exit('dbg', 3);
  t.worker.requestSync();
  await until('dbg terminated', () => t.ephemeralState('dbg')?.terminated !== undefined);
  assert.deepEqual([t.ephemeralState('dbg')?.terminated?.exitCode, t.ephemeralState('dbg')?.terminated?.reason], [3, 'Error']);
  // Later syncs (a resync after the back-off a regular container would get) start nothing.
  t.clock.advance(600_000);
  // Syncs are serialized: once the third has begun, the two before it have ended.
  for (let i = 0; i < 3; i++) {
    const n = t.syncs();
    t.worker.requestSync();
    await until(`sync ${i + 1} after the exit`, () => t.syncs() > n);
  }
  assert.equal(t.rt.byName('dbg').length, 1);
  assert.equal(t.last()?.phase, 'Running');
  assert.ok(t.last()?.containerStatuses?.[0]?.state?.running, 'main runs on');
  t.worker.detach();
});

test('an ephemeral container whose target has no instance waits with CreateContainerConfigError, as upstream\'s getTargetID', async () => {
  const t = start(podWith([debug('dbg')]), ['main']);
  await until('dbg waiting', () => t.ephemeralState('dbg')?.waiting?.reason === 'CreateContainerConfigError');
  assert.equal(t.ephemeralState('dbg')?.waiting?.message, 'unable to find target container main');
  assert.equal(t.rt.byName('dbg').length, 0);
  const noTarget = start(podWith([debug('free', { targetContainerName: undefined })]), ['main']);
  await until('the untargeted one running', () => noTarget.ephemeralState('free')?.running !== undefined);
  t.worker.detach();
  noTarget.worker.detach();
});

test('an ephemeral container of a pod not started yet starts in the sync that starts its target', async () => {
  const t = start(podWith([debug('dbg')]));
  await until('a status', () => t.statuses.length > 0);
  assert.ok(t.ephemeralState('dbg')?.running, JSON.stringify(t.last()?.ephemeralContainerStatuses));
  assert.equal(t.rt.configs.get(t.rt.byName('dbg')[0]?.id ?? '')?.targetContainerId, t.rt.byName('main')[0]?.id);
  t.worker.detach();
});

test('deleting the pod stops its ephemeral containers with the others', async () => {
  const t = start(podWith([debug('dbg')]));
  await until('dbg running', () => t.ephemeralState('dbg')?.running !== undefined);
  const deleting = podWith([debug('dbg')], '5');
  deleting.metadata!.deletionTimestamp = '2026-01-01T00:00:00Z';
  deleting.metadata!.deletionGracePeriodSeconds = 1;
  t.worker.update(deleting);
  await until('the pod deleted', () => t.isDeleted());
  const ids = [...t.rt.byName('main'), ...t.rt.byName('dbg')].map((c) => c.id);
  assert.deepEqual([...t.rt.stopped].sort(), ids.sort());
});
