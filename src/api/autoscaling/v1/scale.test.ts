import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScaleKind, autoscalingV1Kinds, autoscalingV1SubresourceKinds } from './index.js';
import { render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { validateObject } from '../../schema/index.js';

test('Scale: the body kubectl scale PUTs is valid; negative replicas are not', () => {
  const s = {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '108' },
    spec: { replicas: 2 },
    status: { replicas: 1, selector: 'app=web' },
  };
  assert.deepEqual(validateWithHooks(ScaleKind, s), []);
  assert.deepEqual(validateObject(ScaleKind, s), []);
  assert.deepEqual(render(validateWithHooks(ScaleKind, { ...s, spec: { replicas: -1 } })), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(ScaleKind.printerColumns.map((c) => c.value(s, new Date())).slice(0, 2), [2, 1]);
  assert.equal(ScaleKind.schema.fields.status?.proto, 3);
});

test('Scale is a subresource body, not a top-level resource', () => {
  assert.deepEqual(autoscalingV1Kinds.map((k) => k.kind), ['HorizontalPodAutoscaler']);
  assert.deepEqual(autoscalingV1SubresourceKinds.map((k) => k.kind), ['Scale']);
});
