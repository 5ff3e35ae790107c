import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest, isLongRunning } from './request-info.js';
import { ApiError } from './http/status.js';

function resource(method: string, url: string) {
  const p = parseRequest(method, url);
  assert.equal(p.kind, 'resource', `${method} ${url} should be a resource request`);
  const { query, ...rest } = (p as Extract<typeof p, { kind: 'resource' }>).info;
  return { ...rest, q: query.toString() };
}

test('resource paths parse into RequestInfo as Kubernetes does', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['GET', '/api/v1/pods', { verb: 'list', group: '', version: 'v1', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/ns/pods', { verb: 'list', group: '', version: 'v1', resource: 'pods', namespace: 'ns' }],
    ['GET', '/api/v1/namespaces/ns/pods/web', { verb: 'get', group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'web' }],
    ['PUT', '/api/v1/namespaces/ns/pods/web/status', { verb: 'update', group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'web', subresource: 'status' }],
    ['GET', '/apis/apps/v1/deployments', { verb: 'list', group: 'apps', version: 'v1', resource: 'deployments' }],
    ['PATCH', '/apis/apps/v1/namespaces/d/deployments/web/scale', { verb: 'patch', group: 'apps', version: 'v1', resource: 'deployments', namespace: 'd', name: 'web', subresource: 'scale' }],
    ['GET', '/api/v1/namespaces/ns/pods?watch=true', { verb: 'watch', group: '', version: 'v1', resource: 'pods', namespace: 'ns' }],
    ['GET', '/api/v1/pods?watch=1&resourceVersion=5', { verb: 'watch', group: '', version: 'v1', resource: 'pods' }],
    ['GET', '/api/v1/pods?watch=false', { verb: 'list', group: '', version: 'v1', resource: 'pods' }],
    ['GET', '/api/v1/watch/namespaces/ns/pods', { verb: 'watch', group: '', version: 'v1', resource: 'pods', namespace: 'ns' }],
    ['GET', '/api/v1/watch/namespaces/ns/pods/web', { verb: 'watch', group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'web' }],
    ['GET', '/apis/apps/v1/watch/deployments', { verb: 'watch', group: 'apps', version: 'v1', resource: 'deployments' }],
    ['POST', '/api/v1/namespaces/ns/pods', { verb: 'create', group: '', version: 'v1', resource: 'pods', namespace: 'ns' }],
    ['DELETE', '/api/v1/namespaces/ns/pods/web', { verb: 'delete', group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'web' }],
    ['DELETE', '/api/v1/namespaces/ns/pods', { verb: 'deletecollection', group: '', version: 'v1', resource: 'pods', namespace: 'ns' }],
    // A namespace is both the object and its namespace; status/finalize are its subresources.
    ['GET', '/api/v1/namespaces', { verb: 'list', group: '', version: 'v1', resource: 'namespaces' }],
    ['GET', '/api/v1/namespaces/kube-system', { verb: 'get', group: '', version: 'v1', resource: 'namespaces', namespace: 'kube-system', name: 'kube-system' }],
    ['PUT', '/api/v1/namespaces/x/finalize', { verb: 'update', group: '', version: 'v1', resource: 'namespaces', namespace: 'x', name: 'x', subresource: 'finalize' }],
    ['GET', '/api/v1/namespaces/x/status', { verb: 'get', group: '', version: 'v1', resource: 'namespaces', namespace: 'x', name: 'x', subresource: 'status' }],
    ['GET', '/api/v1/namespaces/ns/pods/web/log?follow=true', { verb: 'get', group: '', version: 'v1', resource: 'pods', namespace: 'ns', name: 'web', subresource: 'log' }],
    // Percent-encoded names are decoded.
    ['GET', '/api/v1/namespaces/ns/configmaps/a%3Ab', { verb: 'get', group: '', version: 'v1', resource: 'configmaps', namespace: 'ns', name: 'a:b' }],
  ];
  for (const [method, url, want] of cases) {
    const { q: _q, ...got } = resource(method, url);
    assert.deepEqual(got, want, `${method} ${url}`);
  }
  assert.equal(resource('GET', '/api/v1/pods?labelSelector=a%3Db&limit=5').q, 'labelSelector=a%3Db&limit=5');
});

test('discovery and other paths are non-resource requests', () => {
  for (const url of ['/api', '/apis', '/api/v1', '/apis/apps', '/apis/apps/v1', '/version', '/healthz', '/openapi/v3/api/v1', '/']) {
    const p = parseRequest('GET', url);
    assert.equal(p.kind, 'nonResource', url);
  }
  const p = parseRequest('POST', '/version?x=1');
  assert.deepEqual(p.kind === 'nonResource' ? [p.verb, p.path, p.segments, p.query.get('x')] : [], ['post', '/version', ['version'], '1']);
});

test('malformed requests become Status errors', () => {
  const codeOf = (method: string, url: string): number => {
    try {
      parseRequest(method, url);
    } catch (err) {
      assert.ok(err instanceof ApiError);
      return err.code;
    }
    return 0;
  };
  assert.equal(codeOf('GET', '/api/v1/namespaces/%zz/pods'), 400);
  assert.equal(codeOf('GET', '/api/v1/pods?labelSelector=%E0%A4%A'), 400);
  assert.equal(codeOf('GET', 'api/v1/pods'), 400);
  assert.equal(codeOf('GET', '/api/v1/namespaces/a/pods/b/status/extra'), 404);
  assert.equal(codeOf('GET', '/api/v1/namespaces//pods'), 404);
  assert.equal(codeOf('OPTIONS', '/api/v1/pods'), 405);
  assert.equal(codeOf('POST', '/api/v1/watch/pods'), 405);
});

test('watches and streaming subresources are long-running', () => {
  const info = (url: string) => {
    const p = parseRequest('GET', url);
    assert.equal(p.kind, 'resource');
    return (p as Extract<typeof p, { kind: 'resource' }>).info;
  };
  assert.equal(isLongRunning(info('/api/v1/pods?watch=true')), true);
  assert.equal(isLongRunning(info('/api/v1/namespaces/a/pods/b/log')), true);
  assert.equal(isLongRunning(info('/api/v1/namespaces/a/pods/b/exec')), true);
  assert.equal(isLongRunning(info('/api/v1/namespaces/a/pods/b')), false);
  assert.equal(isLongRunning(info('/api/v1/pods')), false);
});
