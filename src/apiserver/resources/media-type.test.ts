import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMediaType, responseShape } from './media-type.js';

test('parses media types with parameters', () => {
  assert.deepEqual(parseMediaType('application/json; charset=utf-8'), { type: 'application/json', params: { charset: 'utf-8' } });
});

test('picks Table for kubectl get, object for plain JSON', () => {
  const kubectl = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  assert.deepEqual(responseShape(kubectl), { as: 'Table', version: 'v1' });
  assert.deepEqual(responseShape('application/json;as=Table;v=v1beta1;g=meta.k8s.io'), { as: 'Table', version: 'v1beta1' });
  assert.deepEqual(responseShape('application/json, */*'), { as: 'object' });
  assert.deepEqual(responseShape(undefined), { as: 'object' });
  assert.deepEqual(responseShape('application/json;as=Foo;v=v1;g=meta.k8s.io,application/json'), { as: 'object' });
});
