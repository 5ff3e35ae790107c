import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FieldPath, aggregateFieldErrors, duplicate, fieldErrorBody, forbidden, goQuote, internalError, invalid, notFound,
  notSupported, renderFieldError, required, tooLong, tooMany, typeInvalid,
} from './field-errors.js';

test('rendering matches Kubernetes field.Error', () => {
  const cases: Array<[ReturnType<typeof required>, string]> = [
    [invalid('spec.replicas', -1, 'must be greater than or equal to 0'), 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [required('metadata.name'), 'metadata.name: Required value'],
    [required('metadata.name', 'name or generateName is required'), 'metadata.name: Required value: name or generateName is required'],
    [notSupported('spec.x', 'y', ['a', 'b']), 'spec.x: Unsupported value: "y": supported values: "a", "b"'],
    [notSupported('spec.x', 'y', []), 'spec.x: Unsupported value: "y"'],
    [duplicate('spec.ports[1].port', 80), 'spec.ports[1].port: Duplicate value: 80'],
    [forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"), "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    [tooLong('metadata.name', 'x'.repeat(300), 253), 'metadata.name: Too long: may not be more than 253 bytes'],
    [tooLong('x', 'ab', 1), 'x: Too long: may not be more than 1 byte'],
    [tooMany('spec.items', 5, 3), 'spec.items: Too many: 5: must have at most 3 items'],
    [tooMany('spec.items', -1, 1), 'spec.items: Too many: must have at most 1 item'],
    [typeInvalid('spec.a', 'x', 'must be an integer'), 'spec.a: Invalid value: "x": must be an integer'],
    [notFound('spec.volumes[0]', 'data'), 'spec.volumes[0]: Not found: "data"'],
    [internalError('spec', new Error('boom')), 'spec: Internal error: boom'],
    [invalid('a', null, 'bad'), 'a: Invalid value: "null": bad'],
    [invalid('a', true, 'bad'), 'a: Invalid value: true: bad'],
    [invalid('a', ['x', 'y'], 'bad'), 'a: Invalid value: []string{"x", "y"}: bad'],
    [invalid('a', 'tab\there"q', 'bad'), 'a: Invalid value: "tab\\there\\"q": bad'],
  ];
  for (const [err, want] of cases) assert.equal(renderFieldError(err), want);
  assert.equal(fieldErrorBody(required('x')), 'Required value');
});

test('aggregation', () => {
  assert.equal(aggregateFieldErrors([]), '');
  assert.equal(aggregateFieldErrors([required('a')]), 'a: Required value');
  assert.equal(aggregateFieldErrors([required('a'), required('b'), required('a')]), '[a: Required value, b: Required value]');
  assert.equal(aggregateFieldErrors([required('a'), required('a')]), 'a: Required value');
});

test('paths and quoting', () => {
  assert.equal(FieldPath.root('spec').child('containers').index(0).child('env').key('FOO').toString(), 'spec.containers[0].env[FOO]');
  assert.equal(FieldPath.root().child('metadata', 'name').toString(), 'metadata.name');
  assert.equal(goQuote('a\u0001\n'), '"a\\x01\\n"');
});
