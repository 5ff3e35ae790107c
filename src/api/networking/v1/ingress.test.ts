import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IngressClassKind, IngressKind, networkingV1Kinds, type Ingress, type IngressClass } from './index.js';
import { renderFieldError } from '../../../machinery/field-errors.js';
import { applyDefaults, componentName, decodeObject, encodeObject, toTable, validateObject } from '../../schema/index.js';
import type { KindSpec, ObjectSchema, SchemaFieldError } from '../../schema/dsl.js';

/** The causes as kube-apiserver words them (`field: Type: value: detail`). */
const render = (errs: readonly SchemaFieldError[]): string[] => errs.map(renderFieldError);

const now = new Date('2026-01-01T01:00:00Z');
const created = '2026-01-01T00:00:00Z';

type Table = { columnDefinitions: Array<{ name: string; type: string; priority: number }>; rows: Array<{ cells: unknown[] }> };
const table = (spec: KindSpec, objs: object[]) => toTable(spec, objs, { now }) as Table;
const columns = (spec: KindSpec) => table(spec, []).columnDefinitions.map((c) => `${c.name}:${c.priority}`);

/** What `kubectl create ingress web --class=nginx --rule=foo.com/=web:80 --rule=…` sends, roughly. */
const ingress = (): Ingress => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: created },
  spec: {
    ingressClassName: 'nginx',
    rules: [
      { host: 'foo.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
      { host: '*.bar.com', http: { paths: [{ path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'http' } } } }] } },
    ],
    tls: [{ hosts: ['foo.com'], secretName: 'foo-tls' }],
  },
});

const ingressClass = (): IngressClass => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'nginx', creationTimestamp: created },
  spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } },
});

test('Ingress: a realistic manifest is valid and prints NAME CLASS HOSTS ADDRESS PORTS AGE', () => {
  const o = ingress();
  assert.deepEqual(render(validateObject(IngressKind, o)), []);
  assert.deepEqual(columns(IngressKind), ['Name:0', 'Class:0', 'Hosts:0', 'Address:0', 'Ports:0', 'Age:0']);
  assert.deepEqual(table(IngressKind, [o]).rows[0]?.cells, ['web', 'nginx', 'foo.com,*.bar.com', '', '80, 443', '60m']);
  o.status = { loadBalancer: { ingress: [{ ip: '198.18.0.9' }, { hostname: 'lb.example.com' }, { ip: '198.18.0.10' }, { ip: '198.18.0.9' }] } };
  delete o.spec!.tls;
  delete o.spec!.ingressClassName;
  o.spec!.rules!.push({ host: 'c.com' }, { host: 'd.com' }, { host: 'e.com' });
  // Upstream's formatHosts: three hosts, then the count of the remaining rules; addresses sorted, unique, never clipped.
  assert.deepEqual(table(IngressKind, [o]).rows[0]?.cells, ['web', '<none>', 'foo.com,*.bar.com,c.com + 2 more...', '198.18.0.10,198.18.0.9,lb.example.com', '80', '60m']);
  const catchAll: Ingress = { metadata: { name: 'all' }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } };
  assert.deepEqual(render(validateObject(IngressKind, catchAll)), []);
  assert.deepEqual(table(IngressKind, [catchAll]).rows[0]?.cells, ['all', '<none>', '*', '', '80', '<unknown>']);
});

test('Ingress: upstream’s spec rules and messages', () => {
  const svc = (port: { name?: string; number?: number }) => ({ service: { name: 'web', port } });
  const cases: Array<[string, (o: Ingress) => void, string[]]> = [
    ['nothing routed', (o) => (o.spec = {}), ['spec: Invalid value: "null": either `defaultBackend` or `rules` must be specified']],
    ['no pathType', (o) => delete o.spec!.rules![0]!.http!.paths![0]!.pathType, ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    ['bad pathType', (o) => ((o.spec!.rules![0]!.http!.paths![0]! as { pathType: string }).pathType = 'Regex'), [
      'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
    ]],
    ['relative path', (o) => (o.spec!.rules![0]!.http!.paths![0]!.path = 'api'), ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']],
    ['dot segments', (o) => (o.spec!.rules![1]!.http!.paths![0]!.path = '/a//b/.'), [
      'spec.rules[1].http.paths[0].path: Invalid value: "/a//b/.": must not contain \'//\'',
      'spec.rules[1].http.paths[0].path: Invalid value: "/a//b/.": cannot end with \'/.\'',
    ]],
    ['implementation specific may be empty', (o) => {
      const p = o.spec!.rules![0]!.http!.paths![0]!;
      p.pathType = 'ImplementationSpecific';
      delete p.path;
    }, []],
    ['empty paths', (o) => (o.spec!.rules![0]!.http!.paths = []), ['spec.rules[0].http.paths: Required value']],
    ['IP host', (o) => (o.spec!.rules![0]!.host = '198.18.2.3'), ['spec.rules[0].host: Invalid value: "198.18.2.3": must be a DNS name, not an IP address']],
    ['bad wildcard', (o) => (o.spec!.rules![1]!.host = 'a.*.com'), [
      "spec.rules[1].host: Invalid value: \"a.*.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]],
    ['no backend', (o) => (o.spec!.rules![0]!.http!.paths![0]!.backend = {}), ['spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required']],
    ['both backends', (o) => (o.spec!.defaultBackend = { ...svc({ number: 80 }), resource: { kind: 'Bucket', name: 'b' } }), [
      'spec.defaultBackend: Invalid value: "": cannot set both resource and service backends',
    ]],
    ['both ports', (o) => (o.spec!.defaultBackend = svc({ name: 'http', number: 80 })), ['spec.defaultBackend: Invalid value: "": cannot set both port name & port number']],
    ['no port', (o) => (o.spec!.defaultBackend = svc({})), ['spec.defaultBackend: Required value: port name or number is required']],
    ['bad port number', (o) => (o.spec!.defaultBackend = svc({ number: 70000 })), ['spec.defaultBackend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['bad service name', (o) => (o.spec!.defaultBackend = { service: { name: '1web', port: { number: 80 } } }), [
      "spec.defaultBackend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]],
    ['resource backend', (o) => (o.spec!.defaultBackend = { resource: { apiGroup: 'k8s.example.com', kind: 'Bucket', name: 'a/b' } }), [
      "spec.defaultBackend.resource.name: Invalid value: \"a/b\": may not contain '/'",
    ]],
    ['bad tls secret', (o) => (o.spec!.tls![0]!.secretName = 'Foo'), [
      "spec.tls[0].secretName: Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]],
    ['class annotation disagrees', (o) => (o.metadata!.annotations = { 'kubernetes.io/ingress.class': 'traefik' }), [
      'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
    ]],
  ];
  for (const [name, mutate, want] of cases) {
    const o = ingress();
    mutate(o);
    assert.deepEqual(render(validateObject(IngressKind, o)), want, name);
  }
});

test('Ingress: updates keep what was stored invalid, and do not re-check the class annotation', () => {
  const old = ingress();
  old.spec!.tls![0]!.secretName = 'Old_Name';
  old.metadata!.annotations = { 'kubernetes.io/ingress.class': 'traefik' };
  const next = structuredClone(old);
  next.spec!.rules![0]!.host = 'new.foo.com';
  assert.deepEqual(render(validateObject(IngressKind, next, old)), []);
  assert.equal(render(validateObject(IngressKind, next)).length, 2, 'the same object is refused on create');
});

test('IngressClass: scope defaults to Cluster; controller rules; parameters; immutable controller; printer', () => {
  const o = ingressClass();
  applyDefaults(IngressClassKind, o as Record<string, unknown>);
  assert.equal(o.spec?.parameters?.scope, 'Cluster');
  assert.deepEqual(render(validateObject(IngressClassKind, o)), []);
  assert.deepEqual(columns(IngressClassKind), ['Name:0', 'Controller:0', 'Parameters:0', 'Age:0']);
  assert.deepEqual(table(IngressClassKind, [o]).rows[0]?.cells, ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '60m']);
  assert.deepEqual(table(IngressClassKind, [{ metadata: { name: 'plain' }, spec: { controller: 'a.io/b', parameters: { kind: 'ConfigMap', name: 'cfg' } } }]).rows[0]?.cells, [
    'plain', 'a.io/b', 'ConfigMap/cfg', '<unknown>',
  ]);
  assert.deepEqual(table(IngressClassKind, [{ metadata: { name: 'bare' } }]).rows[0]?.cells, ['bare', '', '<none>', '<unknown>']);

  const cases: Array<[string, (c: IngressClass) => void, string[]]> = [
    ['no spec', (c) => delete c.spec, ['spec.controller: Required value']],
    ['not prefixed', (c) => (c.spec!.controller = 'nginx'), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']],
    ['bad path', (c) => (c.spec!.controller = 'acme.io/a b'), [
      "spec.controller: Invalid value: \"a b\": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')",
    ]],
    ['too long', (c) => (c.spec!.controller = `acme.io/${'x'.repeat(250)}`), ['spec.controller: Too long: must have at most 250 bytes']],
    ['namespace scope needs a namespace', (c) => (c.spec!.parameters!.scope = 'Namespace'), [
      "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
    ]],
    ['cluster scope forbids a namespace', (c) => (c.spec!.parameters!.namespace = 'default'), [
      "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
    ]],
    ['bad scope', (c) => ((c.spec!.parameters! as { scope: string }).scope = 'Global'), [
      'spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"',
    ]],
    ['no kind', (c) => (c.spec!.parameters!.kind = ''), ['spec.parameters.kind: Required value']],
  ];
  for (const [name, mutate, want] of cases) {
    const c = structuredClone(o);
    mutate(c);
    assert.deepEqual(render(validateObject(IngressClassKind, c)), want, name);
  }
  const moved = structuredClone(o);
  moved.spec!.controller = 'example.com/other';
  assert.deepEqual(render(validateObject(IngressClassKind, moved, o)), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
});

test('networking.k8s.io/v1: discovery facts, OpenAPI names and protobuf numbers (k8s.io/api networking/v1 generated.proto)', () => {
  assert.deepEqual(networkingV1Kinds.map((k) => k.plural), ['ingressclasses', 'ingresses', 'networkpolicies']);
  assert.deepEqual(IngressKind.shortNames, ['ing']);
  assert.equal(IngressKind.categories, undefined, 'not in `kubectl get all`, as upstream');
  assert.deepEqual(IngressKind.subresources, { status: true });
  assert.equal(IngressClassKind.namespaced, false);
  assert.equal(IngressClassKind.subresources, undefined);
  assert.equal(componentName(IngressKind.schema as ObjectSchema<unknown>, ''), 'io.k8s.api.networking.v1.Ingress');

  // The embedded IngressRuleValue: `http` is flat in JSON, IngressRule{2: IngressRuleValue{1: http}} in protobuf.
  const spec = IngressKind.schema.fields.spec?.type;
  assert.ok(spec?.kind === 'object');
  const specFields = spec.ref().fields;
  assert.deepEqual(Object.fromEntries(Object.entries(specFields).map(([k, v]) => [k, v.proto])), { ingressClassName: 4, defaultBackend: 1, tls: 2, rules: 3 });
  const rules = specFields.rules?.type;
  assert.ok(rules?.kind === 'list' && rules.items.kind === 'object');
  const http = rules.items.ref().fields.http;
  assert.deepEqual([http?.proto, http?.protoEmbeddedIn?.field], [1, 2]);
  const backend = specFields.defaultBackend?.type;
  assert.ok(backend?.kind === 'object');
  assert.deepEqual(Object.fromEntries(Object.entries(backend.ref().fields).map(([k, v]) => [k, v.proto])), { service: 4, resource: 3 });

  const o = ingress();
  o.status = { loadBalancer: { ingress: [{ ip: '198.18.0.9', ports: [{ port: 443, protocol: 'TCP', error: '' }] }] } };
  assert.deepEqual(decodeObject(IngressKind, encodeObject(IngressKind, o)), o);
  const c = ingressClass();
  assert.deepEqual(decodeObject(IngressClassKind, encodeObject(IngressClassKind, c)), c);
});
