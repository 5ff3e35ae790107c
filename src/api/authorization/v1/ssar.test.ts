import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SelfSubjectAccessReviewKind, ResourceAttributesSchema } from './index.js';
import { render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { validateObject } from '../../schema/index.js';

test('SelfSubjectAccessReview: kubectl auth can-i bodies are valid', () => {
  const can = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'deployments', group: 'apps' } },
  };
  assert.deepEqual(validateWithHooks(SelfSubjectAccessReviewKind, can), []);
  // Reviews carry no name upstream; the engine's metadata.name requirement must not apply to create-only review kinds.
  assert.deepEqual(
    validateObject(SelfSubjectAccessReviewKind, can).filter((e) => e.field !== 'metadata.name'),
    [],
  );
  assert.deepEqual(validateWithHooks(SelfSubjectAccessReviewKind, { spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } } }), []);
  assert.deepEqual(SelfSubjectAccessReviewKind.verbs, ['create']);
  assert.equal(SelfSubjectAccessReviewKind.namespaced, false);
});

test('SelfSubjectAccessReview: exactly one attribute set', () => {
  assert.deepEqual(render(validateWithHooks(SelfSubjectAccessReviewKind, { spec: {} })), [
    'spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified',
  ]);
  assert.deepEqual(render(validateWithHooks(SelfSubjectAccessReviewKind, { spec: { resourceAttributes: {}, nonResourceAttributes: {} } })), [
    'spec.nonResourceAttributes: Invalid value: {}: cannot be specified in combination with resourceAttributes',
  ]);
});

test('SelfSubjectAccessReview: protobuf numbers', () => {
  const f = ResourceAttributesSchema.fields;
  assert.deepEqual(
    ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name', 'fieldSelector', 'labelSelector'].map((k) => f[k]?.proto),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const st = SelfSubjectAccessReviewKind.schema.fields.status?.type;
  assert.ok(st && st.kind === 'object');
  assert.deepEqual(Object.fromEntries(Object.entries(st.ref().fields).map(([k, v]) => [k, v.proto])), { allowed: 1, denied: 4, reason: 2, evaluationError: 3 });
});
