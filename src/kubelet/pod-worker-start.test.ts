import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import { FakeClock } from '../client/fake-clock.js';
import { PodWorker } from './pod-worker.js';
import { fakeRuntime, workerDeps } from './test-fake-runtime.js';
import { onlyStatusChanged } from './pod-update-echo.js';

const pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] } } as Pod;

/** Polls until `ok` (a deadline, not a sleep standing in for the condition). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setImmediate(r))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

test('a pod start holds priority from its first sync until its status is posted, and later syncs do not', async () => {
  const clock = new FakeClock();
  let held = 0;
  let holds = 0;
  const patches: Array<() => void> = [];
  const worker = new PodWorker(pod, workerDeps(fakeRuntime().runtime, clock, {
    patchStatus: () => new Promise<void>((resolve) => patches.push(resolve)),
    podStarting: () => {
      held++;
      holds++;
      return () => held--;
    },
  }));
  worker.update(pod);
  await until('the first status patch', () => patches.length === 1);
  assert.equal(held, 1, 'still starting while its status patch is in flight');
  patches[0]?.();
  await until('the start to be released', () => held === 0);
  worker.requestSync();
  await until('the second sync to end', () => patches.length === 1 && held === 0);
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(holds, 1, 'a sync after the status was posted is no pod start');
  worker.detach();
});

test('only a change of status and write bookkeeping is an echo that needs no sync', () => {
  const base = { metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '1', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Pending' } } as Pod;
  const echo = { ...base, metadata: { ...base.metadata, resourceVersion: '2', managedFields: [{ manager: 'kubelet' }] }, status: { phase: 'Running' } } as Pod;
  assert.equal(onlyStatusChanged(base, echo), true);
  assert.equal(onlyStatusChanged(base, { ...echo, metadata: { ...echo.metadata, labels: { a: '2' } } } as Pod), false, 'a label change reaches downward API volumes');
  assert.equal(onlyStatusChanged(base, { ...echo, metadata: { ...echo.metadata, deletionTimestamp: '2026-11-27T00:00:00Z' } } as Pod), false, 'a deletion');
  assert.equal(onlyStatusChanged(base, { ...echo, spec: { ...echo.spec, activeDeadlineSeconds: 5 } } as Pod), false, 'a spec change');
  const gated = { ...base, spec: { ...base.spec, readinessGates: [{ conditionType: 'x' }] } } as Pod;
  assert.equal(onlyStatusChanged(gated, { ...gated, status: { phase: 'Running', conditions: [{ type: 'x', status: 'True' }] } } as Pod), false, 'readiness gates are conditions others write');
  assert.equal(onlyStatusChanged(base, base), false, 'the same object again is a resync');
});
