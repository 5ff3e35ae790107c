import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hpaV1ToV2, hpaV2ToV1 } from './conversion.js';
import { BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION } from './annotations.js';
import { HorizontalPodAutoscalerKind as V1Kind } from './horizontal-pod-autoscaler.js';
import { HorizontalPodAutoscalerKind as V2Kind } from '../v2/index.js';
import { applyDefaults, validateObject } from '../../schema/index.js';

const meta = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', generation: 2, creationTimestamp: '2026-01-01T00:00:00Z', labels: { app: 'web' } };

/**
 * A v1 object as kube-apiserver 1.32 returns a v2 HPA with a memory and a pods metric, a
 * CPU target, behavior and conditions: the annotation texts are byte for byte what Go's
 * json.Marshal writes (v1 MetricSpec JSON; behavior as the internal type, Go field names).
 */
const v1 = () => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: {
    ...meta,
    annotations: {
      'team': 'a',
      [METRIC_SPECS_ANNOTATION]: '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}},{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}}]',
      [METRIC_STATUSES_ANNOTATION]:
        '[{"type":"Resource","resource":{"name":"memory","currentAverageValue":"60Mi"}},{"type":"Pods","pods":{"metricName":"qps","currentAverageValue":"4"}},{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":12,"currentAverageValue":"12m"}}]',
      [CONDITIONS_ANNOTATION]:
        '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:10Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},{"type":"ScalingLimited","status":"False","lastTransitionTime":"2026-01-01T00:00:10Z","reason":"DesiredWithinRange","message":"the desired count is within the acceptable range"}]',
      [BEHAVIOR_ANNOTATION]:
        '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
    },
  },
  spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
  status: { observedGeneration: 2, lastScaleTime: '2026-01-01T00:00:05Z', currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 12 },
});

/** The same autoscaler as autoscaling/v2 serves it. */
const v2 = () => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { ...meta, annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    ],
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    },
  },
  status: {
    observedGeneration: 2,
    lastScaleTime: '2026-01-01T00:00:05Z',
    currentReplicas: 2,
    desiredReplicas: 2,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '60Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '4' } } },
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '12m', averageUtilization: 12 } } },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:10Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
      { type: 'ScalingLimited', status: 'False', lastTransitionTime: '2026-01-01T00:00:10Z', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' },
    ],
  },
});

test('v1 → v2: annotations become metrics (annotation ones first, the CPU target last), behavior, current metrics and conditions', () => {
  assert.deepEqual(hpaV1ToV2(v1()), v2());
});

test('v2 → v1: a CPU utilization target and current value in fields, everything else in annotations, as Go writes them', () => {
  const got = hpaV2ToV1(v2());
  assert.deepEqual(got, v1());
  // Byte for byte, not just as parsed JSON.
  for (const k of [METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION]) {
    assert.equal((got.metadata.annotations as Record<string, string>)[k], (v1().metadata.annotations as Record<string, string>)[k], k);
  }
});

test('v1 → v2 → v1 is lossless, annotations included', () => {
  assert.deepEqual(hpaV2ToV1(hpaV1ToV2(v1())), v1());
  // A plain v1 object (what kubectl autoscale writes, defaulted) too.
  const plain = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'p' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'p' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 }, status: { currentReplicas: 0, desiredReplicas: 0 } };
  assert.deepEqual(hpaV2ToV1(hpaV1ToV2(plain)), plain);
});

test('v2 → v1 → v2 is lossless', () => {
  assert.deepEqual(hpaV1ToV2(hpaV2ToV1(v2())), v2());
  // Without a CPU metric, behavior, status metrics or conditions; a zero current count (omitempty in v2).
  const memOnly = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'm' },
    spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, minReplicas: 2, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    status: { desiredReplicas: 0 },
  };
  const asV1 = hpaV2ToV1(memOnly);
  assert.equal(asV1.spec.targetCPUUtilizationPercentage, undefined, 'only a CPU metric maps to the v1 field');
  assert.equal(asV1.metadata.annotations[METRIC_SPECS_ANNOTATION], '[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":70}}]');
  assert.deepEqual(asV1.status, { currentReplicas: 0, desiredReplicas: 0 });
  assert.deepEqual(hpaV1ToV2(asV1), memOnly);
});

test('round-trip annotations a client left on an object are replaced (v1) or dropped (v2), as upstream', () => {
  const stale = v2();
  stale.metadata.annotations = { team: 'a', [METRIC_SPECS_ANNOTATION]: '[]', [BEHAVIOR_ANNOTATION]: 'junk' } as never;
  assert.deepEqual(hpaV2ToV1(stale), v1());
  const noStatusMetrics = { ...v2(), metadata: { name: 'x', annotations: { [CONDITIONS_ANNOTATION]: '[]' } } };
  assert.equal(hpaV2ToV1(noStatusMetrics).metadata.annotations[CONDITIONS_ANNOTATION], v1().metadata.annotations[CONDITIONS_ANNOTATION]);
  // v1 → v2: every round-trip annotation goes; the object had no others, so annotations go too.
  const bare = v1();
  bare.metadata.annotations = { [METRIC_SPECS_ANNOTATION]: 'not json', [CONDITIONS_ANNOTATION]: '{"not":"a list"}' } as never;
  const out = hpaV1ToV2(bare);
  assert.equal(out.metadata.annotations, undefined);
  assert.deepEqual(out.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }], 'an unreadable annotation is ignored');
  assert.equal(out.status.conditions, undefined);
});

test('v1 without any metric converts to 80 % CPU; Go decodes the behavior annotation case-insensitively', () => {
  const h = { metadata: { name: 'a', annotations: { [BEHAVIOR_ANNOTATION]: '{"scaleDown":{"stabilizationWindowSeconds":30,"policies":null}}' } }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'a' }, maxReplicas: 2 } };
  const out = hpaV1ToV2(h);
  assert.deepEqual(out.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(out.spec.behavior, { scaleDown: { stabilizationWindowSeconds: 30 } });
  // Stored, v2's defaults fill the rest of the behavior in.
  applyDefaults(V2Kind, out);
  assert.deepEqual(out.spec.behavior.scaleDown, { stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  assert.deepEqual(out.spec.behavior.scaleUp.policies.map((p: { type: string }) => p.type), ['Pods', 'Percent']);
  // An empty behavior ({} or both null) is no behavior.
  assert.equal(hpaV1ToV2({ metadata: { annotations: { [BEHAVIOR_ANNOTATION]: '{"ScaleUp":null}' } }, spec: {} }).spec.behavior, undefined);
});

test('annotation text is HTML-escaped as json.Marshal escapes it', () => {
  const h = v2();
  h.status.conditions[0]!.message = 'a <b> & c';
  const text = hpaV2ToV1(h).metadata.annotations[CONDITIONS_ANNOTATION] as string;
  assert.match(text, /"message":"a \\u003cb\\u003e \\u0026 c"/);
  assert.equal(hpaV1ToV2(hpaV2ToV1(h)).status.conditions[0].message, 'a <b> & c');
});

test('conversions never change their argument', () => {
  const a = v1();
  const b = v2();
  hpaV1ToV2(a);
  hpaV2ToV1(b);
  assert.deepEqual(a, v1());
  assert.deepEqual(b, v2());
});

test('the v1 kind is served from v2 storage; v1 validation and v2 validation agree on a converted object', () => {
  assert.equal(V1Kind.conversion?.storage, V2Kind);
  const bad = v1();
  bad.spec = { ...bad.spec, minReplicas: 5, maxReplicas: 3, targetCPUUtilizationPercentage: 0 };
  const render = (errs: { field: string; message: string }[]) => errs.map((e) => `${e.field}: ${e.message}`);
  const viaV1 = render(validateObject(V1Kind, bad));
  assert.deepEqual(viaV1, [
    'spec.maxReplicas: must be greater than or equal to `minReplicas`',
    'spec.metrics[0].resource.target.averageUtilization: must be greater than 0',
  ]);
  // The same object stored: v2 puts the annotation metrics first, so the CPU one is metrics[2].
  assert.deepEqual(render(validateObject(V2Kind, hpaV1ToV2(bad))), [
    'spec.maxReplicas: must be greater than or equal to `minReplicas`',
    'spec.metrics[2].resource.target.averageUtilization: must be greater than 0',
  ]);
});
