import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BehaviorHistory } from './hpa-behavior.js';
import { averageValueReplicas, utilizationReplicas, limitedReplicas, type PodUsage } from './hpa-replicas.js';
import { defaultScaleDownRules, defaultScaleUpRules, type HorizontalPodAutoscalerBehavior } from '../api/autoscaling/v2/index.js';
import type { Pod } from '../api/core/v1/pod.js';

const S = 1000;
/** The behavior the API server stores for `behavior: {}` parts left unset. */
const defaults = (over: HorizontalPodAutoscalerBehavior = {}): HorizontalPodAutoscalerBehavior => ({ scaleUp: over.scaleUp ?? defaultScaleUpRules(), scaleDown: over.scaleDown ?? defaultScaleDownRules() });

test('default rules: scale up by the larger of +4 pods and +100 % per 15 s; scale down at once to the target', () => {
  const h = new BehaviorHistory();
  const up = h.normalize('a', defaults(), 3, 20, 1, 50, 1000 * S, 300);
  assert.deepEqual(up, {
    replicas: 7,
    ableToScale: { reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
    limited: { status: 'True', reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' },
  });
  h.recordScale('a', defaults(), 3, 7, 1000 * S);
  // 5 s later, +100 % counts from the 3 at the period's start: 6; +4 pods: 7. Max: 7, no more yet.
  assert.equal(h.normalize('a', defaults(), 7, 20, 1, 50, 1005 * S, 300).replicas, 7);
  // After the 15 s period: 7 → 14.
  assert.equal(h.normalize('a', defaults(), 7, 20, 1, 50, 1016 * S, 300).replicas, 14);
  // TooManyReplicas when maxReplicas binds first.
  assert.deepEqual(new BehaviorHistory().normalize('b', defaults(), 3, 20, 1, 5, 0, 300).limited, { status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' });
});

test('scaleDown.stabilizationWindowSeconds: the highest recommendation of the window wins; unset, the controller default applies', () => {
  const windowed = defaults({ scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } });
  const h = new BehaviorHistory();
  assert.equal(h.normalize('a', windowed, 5, 5, 1, 10, 0, 300).replicas, 5);
  const held = h.normalize('a', windowed, 5, 2, 1, 10, 30 * S, 300);
  assert.equal(held.replicas, 5, 'a recommendation of 5 within 60 s holds the scale-down');
  assert.deepEqual(held.ableToScale, { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
  assert.equal(h.normalize('a', windowed, 5, 2, 1, 10, 61 * S, 300).replicas, 2, 'once the 5 is older than the window');
  // Unset window (as stored when a behavior names only policies): --horizontal-pod-autoscaler-downscale-stabilization.
  const unset = defaults();
  const u = new BehaviorHistory();
  u.normalize('a', unset, 5, 5, 1, 10, 0, 120);
  assert.equal(u.normalize('a', unset, 5, 2, 1, 10, 100 * S, 120).replicas, 5);
  assert.equal(u.normalize('a', unset, 5, 2, 1, 10, 121 * S, 120).replicas, 2);
});

test('policies: Pods and Percent per period against recent scale events; Min and Disabled', () => {
  const slow = defaults({ scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } });
  const h = new BehaviorHistory();
  const first = h.normalize('a', slow, 4, 1, 1, 10, 0, 300);
  assert.deepEqual(first.replicas, 3);
  assert.deepEqual(first.limited, { status: 'True', reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' });
  h.recordScale('a', slow, 4, 3, 0);
  assert.equal(h.normalize('a', slow, 3, 1, 1, 10, 30 * S, 300).replicas, 3, 'one pod per minute: already used');
  assert.equal(h.normalize('a', slow, 3, 1, 1, 10, 61 * S, 300).replicas, 2);
  const min = defaults({ scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 50, periodSeconds: 15 }] } });
  assert.equal(new BehaviorHistory().normalize('a', min, 4, 20, 1, 50, 0, 300).replicas, 6, 'Min: the smaller of +4 and +50 %');
  const off = defaults({ scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] } });
  assert.equal(new BehaviorHistory().normalize('a', off, 4, 20, 1, 50, 0, 300).replicas, 4);
  // TooFewReplicas: minReplicas binds before the rate does.
  assert.deepEqual(new BehaviorHistory().normalize('a', defaults({ scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } }), 4, 1, 2, 10, 0, 300).limited.reason, 'TooFewReplicas');
});

test('without behavior: the bounds and their ScalingLimited reasons', () => {
  assert.deepEqual(limitedReplicas(1, 10, 1, 20), { replicas: 4, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' });
  assert.deepEqual(limitedReplicas(3, 10, 1, 5).reason, 'TooManyReplicas');
  assert.deepEqual(limitedReplicas(3, 0, 2, 5).reason, 'TooFewReplicas');
  assert.deepEqual(limitedReplicas(3, 3, 2, 5).reason, 'DesiredWithinRange');
});

const NOW = Date.parse('2026-11-27T12:00:00Z');
const pod = (name: string, memory: string): Pod =>
  ({
    metadata: { name, namespace: 'ns' },
    spec: { containers: [{ name: 'c', resources: { requests: { memory, cpu: '100m' } } }] },
    status: { phase: 'Running', startTime: new Date(NOW - 600_000).toISOString(), conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(NOW - 590_000).toISOString() }] },
  }) as unknown as Pod;
const MI = 1024 * 1024 * 1000; // one Mi in milli-bytes
const used = (entries: Array<[string, number]>): Map<string, PodUsage> => new Map(entries.map(([n, milli]) => [n, { milli, timestamp: NOW - 1000, windowMs: 15_000 }]));

test('memory: an average value target, and utilization of the requests', () => {
  const pods = [pod('a', '200Mi'), pod('b', '200Mi')];
  assert.deepEqual(averageValueReplicas(pods, used([['a', 250 * MI], ['b', 250 * MI]]), 'memory', 100 * MI, 2, NOW), { replicas: 5, average: 250 * MI });
  assert.deepEqual(averageValueReplicas(pods, used([['a', 105 * MI], ['b', 95 * MI]]), 'memory', 100 * MI, 2, NOW), { replicas: 2, average: 100 * MI }, 'within tolerance');
  // A pod without metrics counts as at the target when scaling down.
  assert.deepEqual(averageValueReplicas(pods, used([['a', 10 * MI]]), 'memory', 100 * MI, 2, NOW), { replicas: 2, average: 10 * MI });
  const u = utilizationReplicas(pods, used([['a', 300 * MI], ['b', 300 * MI]]), 'memory', 50, 2, NOW);
  assert.deepEqual(u, { replicas: 6, utilization: 150, rawAverage: 300 * MI });
  // Memory samples of a just-started pod are used (the readiness rule is CPU's).
  const fresh = [pod('a', '200Mi'), { ...pod('b', '200Mi'), status: { phase: 'Running', startTime: new Date(NOW - 10_000).toISOString(), conditions: [{ type: 'Ready', status: 'False' }] } } as unknown as Pod];
  assert.deepEqual(averageValueReplicas(fresh, used([['a', 200 * MI], ['b', 200 * MI]]), 'memory', 100 * MI, 2, NOW), { replicas: 4, average: 200 * MI });
});
