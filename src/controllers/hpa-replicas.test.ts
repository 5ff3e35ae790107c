import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import { boundedReplicas, cpuReplicas, podCpuRequest, RecommendationWindow, type PodUsage } from './hpa-replicas.js';
import { goDurationMs } from './pod-metrics.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
/** A Running pod started `startedMsAgo`, Ready (or not) since `readyMsAgo`, requesting `cpu`. */
function pod(name: string, opts: { cpu?: string; ready?: boolean; startedMsAgo?: number; readyMsAgo?: number; phase?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns' },
    spec: { containers: [{ name: 'c', ...(opts.cpu === undefined ? {} : { resources: { requests: { cpu: opts.cpu } } }) }] },
    status: {
      phase: opts.phase ?? 'Running',
      startTime: ago(opts.startedMsAgo ?? 600_000),
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: ago(opts.readyMsAgo ?? 590_000) }],
    },
  } as unknown as Pod;
}
const used = (entries: Array<[string, number]>): Map<string, PodUsage> => new Map(entries.map(([n, milli]) => [n, { milli, timestamp: NOW - 1000, windowMs: 15_000 }]));

test('replicas follow utilization over the target, within a 10 % tolerance', () => {
  const pods = [pod('a', { cpu: '100m' }), pod('b', { cpu: '100m' })];
  assert.deepEqual(cpuReplicas(pods, used([['a', 150], ['b', 150]]), 50, 2, NOW), { replicas: 6, utilization: 150 });
  assert.deepEqual(cpuReplicas(pods, used([['a', 52], ['b', 54]]), 50, 2, NOW), { replicas: 2, utilization: 53 }, 'within tolerance');
  assert.deepEqual(cpuReplicas(pods, used([['a', 10], ['b', 10]]), 50, 2, NOW), { replicas: 1, utilization: 10 });
});

test('pods without metrics count as at their request when scaling down, idle when scaling up; unready ones as idle when scaling up', () => {
  const pods = [pod('a', { cpu: '100m' }), pod('b', { cpu: '100m' }), pod('c', { cpu: '100m' })];
  // a is idle, b and c have no metrics: as if at 100 %, 3 pods at (10+100+100)/300 = 70 % of a 50 % target → 5.
  assert.deepEqual(cpuReplicas(pods, used([['a', 10]]), 50, 3, NOW), { replicas: 3, utilization: 10 }, 'the direction flips (down → up): no change');
  // a is busy (200 %), b and c missing: counted idle, (200+0+0)/300 = 66 % of 50 % → 4.
  assert.deepEqual(cpuReplicas(pods, used([['a', 200]]), 50, 3, NOW), { replicas: 4, utilization: 200 });
  // Scaling up with a freshly started, not yet ready pod: it counts as idle.
  const fresh = [pod('a', { cpu: '100m' }), pod('b', { cpu: '100m', startedMsAgo: 20_000, readyMsAgo: 5_000 })];
  assert.deepEqual(cpuReplicas(fresh, used([['a', 300], ['b', 300]]), 50, 2, NOW), { replicas: 6, utilization: 300 });
});

test('refusals as upstream words them', () => {
  assert.deepEqual(cpuReplicas([], new Map(), 50, 1, NOW), { error: 'no pods returned by selector while calculating replica count' });
  assert.deepEqual(cpuReplicas([pod('a')], used([['a', 10]]), 50, 1, NOW), { error: 'missing request for cpu in container c of Pod a' });
  assert.deepEqual(cpuReplicas([pod('a', { cpu: '100m', phase: 'Pending' })], used([]), 50, 1, NOW), { error: 'did not receive metrics for targeted pods (pods might be unready)' });
  assert.equal(podCpuRequest(pod('a', { cpu: '0.5' })), 500);
});

test('bounds: min and max replicas, and at most max(2 × current, 4) in one step up', () => {
  assert.equal(boundedReplicas(1, 10, 1, 20), 4);
  assert.equal(boundedReplicas(3, 10, 1, 20), 6);
  assert.equal(boundedReplicas(3, 10, 1, 5), 5);
  assert.equal(boundedReplicas(3, 0, 2, 5), 2);
});

test('metrics windows in Go duration notation', () => {
  assert.deepEqual(['15s', '1m0.5s', '20.046s', '1h2m', '250ms', ''].map(goDurationMs), [15_000, 60_500, 20_046, 3_720_000, 250, 0]);
});

test('downscale stabilization: the highest recommendation of the window is acted on', () => {
  const w = new RecommendationWindow(300_000);
  assert.equal(w.stabilize('ns/web', 5, 0), 5);
  assert.equal(w.stabilize('ns/web', 2, 60_000), 5, 'a dip a minute later does not scale down');
  assert.equal(w.stabilize('ns/web', 7, 120_000), 7, 'scaling up is never held back');
  assert.equal(w.stabilize('ns/web', 2, 350_000), 7);
  assert.equal(w.stabilize('ns/web', 2, 420_001), 2, 'five minutes after the last higher one');
  assert.equal(w.stabilize('ns/other', 1, 420_001), 1, 'per autoscaler');
  w.forget('ns/web');
  assert.equal(w.stabilize('ns/web', 1, 420_002), 1);
});
