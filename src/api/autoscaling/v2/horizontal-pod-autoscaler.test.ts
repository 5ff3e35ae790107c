import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HorizontalPodAutoscalerKind, type HorizontalPodAutoscaler } from './index.js';
import { renderFieldError } from '../../../machinery/field-errors.js';
import { applyDefaults, decodeObject, encodeObject, toTable, validateObject } from '../../schema/index.js';
import type { SchemaFieldError } from '../../schema/dsl.js';

const render = (errs: readonly SchemaFieldError[]): string[] => errs.map(renderFieldError);
const now = new Date('2026-01-01T01:00:00Z');

const hpa = (): HorizontalPodAutoscaler => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    ],
  },
  status: { desiredReplicas: 0 },
});

test('HPA v2: discovery facts, storage of v1 and v2, field numbers from generated.proto', () => {
  const k = HorizontalPodAutoscalerKind;
  assert.deepEqual([k.group, k.version, k.plural, k.shortNames, k.categories, k.conversion], ['autoscaling', 'v2', 'horizontalpodautoscalers', ['hpa'], ['all'], undefined]);
  const spec = k.schema.fields.spec?.type;
  assert.ok(spec?.kind === 'object');
  assert.deepEqual(Object.entries(spec.ref().fields).map(([n, fl]) => `${n}=${fl.proto}`), ['scaleTargetRef=1', 'minReplicas=2', 'maxReplicas=3', 'metrics=4', 'behavior=5']);
});

test('HPA v2 defaults: minReplicas 1, 80 % CPU when no metric, a set behavior filled from the default rules; idempotent', () => {
  const h: HorizontalPodAutoscaler = { metadata: { name: 'a' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'a' }, maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } };
  applyDefaults(HorizontalPodAutoscalerKind, h);
  assert.equal(h.spec?.minReplicas, 1);
  assert.deepEqual(h.spec?.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.deepEqual(h.spec?.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
  assert.deepEqual(h.status, { desiredReplicas: 0 });
  const again = structuredClone(h);
  applyDefaults(HorizontalPodAutoscalerKind, again);
  assert.deepEqual(again, h);
  // No behavior: none is added (the controller uses the same rules).
  const plain = hpa();
  applyDefaults(HorizontalPodAutoscalerKind, plain);
  assert.equal(plain.spec?.behavior, undefined);
  assert.deepEqual(validateObject(HorizontalPodAutoscalerKind, plain), []);
});

test('HPA v2 validation: metrics and behavior with upstream messages', () => {
  const bad = hpa();
  bad.spec = {
    ...bad.spec,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi', averageUtilization: 50 } } },
      { type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } },
      { type: 'Nope' },
    ],
    behavior: { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Fast', policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }] }, scaleDown: { policies: [] } },
  };
  assert.deepEqual(render(validateObject(HorizontalPodAutoscalerKind, bad)), [
    'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
    'spec.metrics[1].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
    'spec.metrics[1].pods: Required value: must populate information for the given metric source',
    'spec.metrics[2].type: Unsupported value: "Nope": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    'spec.metrics[2].type: Unsupported value: "Nope": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
    'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Fast": supported values: "Disabled", "Max", "Min"',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800',
    'spec.behavior.scaleDown.policies: Required value: must specify at least one Policy',
  ]);
});

test('HPA v2 columns: TARGETS per metric with current values by index, <unknown> before the first reading, + N more', () => {
  const measured = hpa();
  measured.metadata = { ...measured.metadata, name: 'measured' };
  measured.status = {
    currentReplicas: 2,
    desiredReplicas: 2,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '60Mi' } } },
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '12m', averageUtilization: 12 } } },
    ],
  };
  const many = hpa();
  many.metadata = { ...many.metadata, name: 'many' };
  many.spec = { ...many.spec, minReplicas: undefined, metrics: [...(many.spec?.metrics ?? []), { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }] };
  const table = toTable(HorizontalPodAutoscalerKind, [hpa(), measured, many], { now }) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  assert.deepEqual(table.rows.map((r) => r.cells), [
    ['web', 'Deployment/web', 'memory: <unknown>/100Mi, cpu: <unknown>/50%', '1', 5, 0, '60m'],
    ['measured', 'Deployment/web', 'memory: 60Mi/100Mi, cpu: 12%/50%', '1', 5, 2, '60m'],
    ['many', 'Deployment/web', 'memory: <unknown>/100Mi, cpu: <unknown>/50% + 1 more...', '<unset>', 5, 0, '60m'],
  ]);
});

test('HPA v2: protobuf round trip', () => {
  const h = hpa();
  h.spec!.behavior = { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
  h.status = { currentReplicas: 1, desiredReplicas: 1, conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'SucceededRescale' }] };
  assert.deepEqual(decodeObject(HorizontalPodAutoscalerKind, encodeObject(HorizontalPodAutoscalerKind, h)), h);
});
