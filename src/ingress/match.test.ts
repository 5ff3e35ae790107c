import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HTTPIngressPath, Ingress, IngressRule } from '../api/networking/v1/ingress.js';
import { hostMatch, matchRoute, pathMatch, requestHost, requestPath } from './match.js';

const svc = (name: string, number = 80) => ({ service: { name, port: { number } } });
const p = (path: string, pathType: HTTPIngressPath['pathType'], backend: string): HTTPIngressPath => ({ path, pathType, backend: svc(backend) });
const ing = (name: string, rules: IngressRule[], defaultBackend?: string): Ingress => ({
  metadata: { namespace: 'default', name },
  spec: { rules, ...(defaultBackend ? { defaultBackend: svc(defaultBackend) } : {}) },
});
const rule = (host: string | undefined, ...paths: HTTPIngressPath[]): IngressRule => ({ ...(host ? { host } : {}), http: { paths } });
const to = (ingresses: Ingress[], host: string, path: string): string | undefined => matchRoute(ingresses, host, path)?.backend.service?.name;

test('requestHost drops the port, case and a trailing dot; keeps IPv6 brackets', () => {
  assert.equal(requestHost('Foo.Example.COM:8080'), 'foo.example.com');
  assert.equal(requestHost('foo.example.com.'), 'foo.example.com');
  assert.equal(requestHost('[::1]:80'), '[::1]');
  assert.equal(requestHost(undefined), '');
});

test('requestPath drops the query and handles absolute-form targets', () => {
  assert.equal(requestPath('/a/b?x=1'), '/a/b');
  assert.equal(requestPath('http://h.example/a?q'), '/a');
  assert.equal(requestPath('http://h.example'), '/');
  assert.equal(requestPath(undefined), '/');
});

test('hostMatch: exact, one-label wildcard, host-less matches any', () => {
  assert.equal(hostMatch('foo.bar.com', 'foo.bar.com'), 'exact');
  assert.equal(hostMatch('Foo.Bar.com', 'foo.bar.com'), 'exact');
  assert.equal(hostMatch('foo.bar.com', 'bar.com'), undefined);
  assert.equal(hostMatch('*.bar.com', 'foo.bar.com'), 'wildcard');
  assert.equal(hostMatch('*.bar.com', 'bar.com'), undefined);
  assert.equal(hostMatch('*.bar.com', 'baz.foo.bar.com'), undefined);
  assert.equal(hostMatch('*.bar.com', '.bar.com'), undefined);
  assert.equal(hostMatch(undefined, 'anything'), 'any');
  assert.equal(hostMatch('', 'anything'), 'any');
});

test('pathMatch follows the Kubernetes examples table', () => {
  const cases: Array<[HTTPIngressPath['pathType'], string, string, boolean]> = [
    ['Prefix', '/', '/anything', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['ImplementationSpecific', '/aaa', '/aaa/ccc', true],
    ['ImplementationSpecific', '/aaa', '/aaaccc', false],
    [undefined, '/aaa', '/aaa/x', true],
  ];
  for (const [type, path, req, want] of cases) {
    assert.equal(pathMatch({ path, pathType: type }, req) !== undefined, want, `${type} ${path} vs ${req}`);
  }
});

test('the longest matching path wins; Exact beats Prefix of the same length', () => {
  const i = ing('a', [rule(undefined, p('/', 'Prefix', 'root'), p('/aaa', 'Prefix', 'aaa'), p('/aaa/bbb', 'Prefix', 'bbb'), p('/aaa', 'Exact', 'exact'))]);
  assert.equal(to([i], 'h', '/aaa/bbb/ccc'), 'bbb');
  assert.equal(to([i], 'h', '/aaa/ccc'), 'aaa');
  assert.equal(to([i], 'h', '/aaa'), 'exact');
  assert.equal(to([i], 'h', '/aaa/'), 'aaa');
  assert.equal(to([i], 'h', '/other'), 'root');
});

test('paths compete across Ingresses; on a tie the earlier Ingress wins', () => {
  const a = ing('a', [rule('h.example', p('/api', 'Prefix', 'a-api'))]);
  const b = ing('b', [rule('h.example', p('/api', 'Prefix', 'b-api'), p('/api/v2', 'Prefix', 'b-v2'))]);
  assert.equal(to([a, b], 'h.example', '/api/v1'), 'a-api');
  assert.equal(to([b, a], 'h.example', '/api/v1'), 'b-api');
  assert.equal(to([a, b], 'h.example', '/api/v2/x'), 'b-v2');
});

test('exact host before wildcard before host-less; a tier without a matching path falls through', () => {
  const i = ing('a', [
    rule(undefined, p('/', 'Prefix', 'any')),
    rule('*.example.com', p('/', 'Prefix', 'wild')),
    rule('www.example.com', p('/only', 'Exact', 'www')),
  ]);
  assert.equal(to([i], 'www.example.com', '/only'), 'www');
  assert.equal(to([i], 'www.example.com', '/elsewhere'), 'wild');
  assert.equal(to([i], 'api.example.com', '/x'), 'wild');
  assert.equal(to([i], 'a.b.example.com', '/x'), 'any');
  assert.equal(to([i], 'other.org', '/x'), 'any');
});

test('defaultBackend when no rule matches; the most host-specific Ingress gives it; else 404', () => {
  const routed = ing('routed', [rule('foo.example', p('/app', 'Prefix', 'app'))], 'foo-default');
  const catchAll = ing('catch-all', [], 'global-default');
  assert.equal(to([routed], 'foo.example', '/app/x'), 'app');
  assert.equal(to([routed], 'foo.example', '/nothing'), 'foo-default');
  // An Ingress's default backend serves whatever no rule takes, other hosts too.
  assert.equal(to([routed], 'bar.example', '/app'), 'foo-default');
  assert.equal(to([catchAll, routed], 'foo.example', '/nothing'), 'foo-default');
  assert.equal(to([routed, catchAll], 'bar.example', '/'), 'global-default');
  assert.equal(matchRoute([routed, catchAll], 'foo.example', '/nothing')?.path, undefined);
  assert.equal(to([ing('x', [rule('foo.example', p('/app', 'Exact', 'app'))])], 'foo.example', '/app/more'), undefined);
  assert.equal(to([], 'foo.example', '/'), undefined);
});
