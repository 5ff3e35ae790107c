import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as s from './status.js';
import { invalid as fieldInvalid, required } from './field-errors.js';
import { PatchError } from './patch-error.js';
import { SelectorError } from './label-selector.js';

const pods = { group: '', resource: 'pods' };
const deployments = { group: 'apps', resource: 'deployments' };

test('builders produce Kubernetes Status objects', () => {
  const cases: Array<[s.ApiError, number, string, string, s.StatusDetails | undefined]> = [
    [s.notFound(pods, 'foo'), 404, 'NotFound', 'pods "foo" not found', { name: 'foo', kind: 'pods' }],
    [s.notFound(deployments, 'web'), 404, 'NotFound', 'deployments.apps "web" not found', { name: 'web', group: 'apps', kind: 'deployments' }],
    [s.alreadyExists(pods, 'x'), 409, 'AlreadyExists', 'pods "x" already exists', { name: 'x', kind: 'pods' }],
    [s.conflict({ group: '', resource: 'configmaps' }, 'x'), 409, 'Conflict',
      'Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply your changes to the latest version and try again', { name: 'x', kind: 'configmaps' }],
    [s.conflict(deployments, 'web', new Error('boom')), 409, 'Conflict', 'Operation cannot be fulfilled on deployments.apps "web": boom', { name: 'web', group: 'apps', kind: 'deployments' }],
    [s.tooOldResourceVersion(5, 10), 410, 'Expired', 'too old resource version: 5 (10)', undefined],
    [s.gone('gone away'), 410, 'Gone', 'gone away', undefined],
    [s.badRequest('bad'), 400, 'BadRequest', 'bad', undefined],
    [s.unauthorized(), 401, 'Unauthorized', 'not authorized', undefined],
    [s.forbidden(pods, 'p', 'User "bob" cannot get resource "pods"'), 403, 'Forbidden', 'pods "p" is forbidden: User "bob" cannot get resource "pods"', { name: 'p', kind: 'pods' }],
    [s.forbidden(pods, '', 'nope'), 403, 'Forbidden', 'pods is forbidden: nope', { kind: 'pods' }],
    [s.forbidden(undefined, '', 'nope'), 403, 'Forbidden', 'forbidden: nope', {}],
    [s.methodNotSupported({ group: 'metrics.k8s.io', resource: 'pods' }, 'create'), 405, 'MethodNotAllowed', 'create is not supported on resources of kind "pods.metrics.k8s.io"', { group: 'metrics.k8s.io', kind: 'pods' }],
    [s.notAcceptable(['application/json', 'application/yaml']), 406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml', undefined],
    [s.unsupportedMediaType(['application/json']), 415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json', undefined],
    [s.requestEntityTooLarge('limit is 3145728'), 413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728', undefined],
    [s.tooManyRequests('slow down', 1), 429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 1 }],
    [s.timeout('request did not complete within 60s', 2), 504, 'Timeout', 'Timeout: request did not complete within 60s', { retryAfterSeconds: 2 }],
    [s.serverTimeout(pods, 'get', 3), 500, 'ServerTimeout', 'The get operation against pods could not be completed at this time, please try again.', { name: 'get', kind: 'pods', retryAfterSeconds: 3 }],
    [s.internalError(new Error('disk full')), 500, 'InternalError', 'Internal error occurred: disk full', { causes: [{ message: 'disk full' }] }],
    [s.serviceUnavailable('starting'), 503, 'ServiceUnavailable', 'starting', undefined],
  ];
  for (const [err, code, reason, message, details] of cases) {
    assert.ok(err instanceof s.ApiError && err instanceof Error);
    assert.equal(err.code, code, message);
    assert.equal(err.reason, reason, message);
    assert.equal(err.message, message);
    const want: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
    if (details) want['details'] = details;
    want['code'] = code;
    assert.deepEqual(err.status, want, message);
  }
});

test('JSON field order matches the apiserver', () => {
  assert.equal(
    JSON.stringify(s.notFound(pods, 'nope').status),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}',
  );
});

test('invalid carries causes and the aggregated message', () => {
  const one = s.invalid('Pod', 'x', [required('spec.containers[0].image')]);
  assert.equal(one.code, 422);
  assert.equal(one.message, 'Pod "x" is invalid: spec.containers[0].image: Required value');
  assert.deepEqual(one.status.details, {
    name: 'x', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }],
  });
  const two = s.invalid({ group: 'apps', kind: 'Deployment' }, 'web', [
    fieldInvalid('spec.replicas', -1, 'must be greater than or equal to 0'),
    required('spec.selector'),
  ]);
  assert.equal(two.message, 'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value]');
  assert.deepEqual(two.status.details?.causes?.[0], { reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' });
  assert.equal(s.invalid('Pod', 'x', []).message, 'Pod "x" is invalid');
});

test('toApiError maps typed errors', () => {
  assert.equal(s.toApiError(new PatchError('bad doc', 400)).status.reason, 'BadRequest');
  const inv = s.toApiError(new PatchError('testing value /a failed', 422));
  assert.deepEqual([inv.code, inv.reason, inv.message], [422, 'Invalid', 'testing value /a failed']);
  assert.equal(s.toApiError(new SelectorError('found x')).code, 400);
  const nf = s.notFound(pods, 'a');
  assert.equal(s.toApiError(nf), nf);
  const boom = s.toApiError(new TypeError('x is undefined'));
  assert.deepEqual([boom.code, boom.message], [500, 'Internal error occurred: x is undefined']);
  assert.equal(s.successStatus().status, 'Success');
  assert.equal(s.tooManyRequests('x', 7).retryAfterSeconds, 7);
  assert.equal(s.notFound(pods, 'a').retryAfterSeconds, undefined);
});
