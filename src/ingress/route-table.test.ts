import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../api/core/v1/service.js';
import { serviceNameLabel, type EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import type { Ingress, IngressBackend } from '../api/networking/v1/ingress.js';
import type { IngressClass } from '../api/networking/v1/ingress-class.js';
import { DEFAULT_CLASS_ANNOTATION } from './ingress-class.js';
import { buildRouteTable } from './route-table.js';

const ingress = (name: string, created: string, extra: { className?: string; annotation?: string } = {}): Ingress => ({
  metadata: { namespace: 'ns', name, creationTimestamp: created, ...(extra.annotation ? { annotations: { 'kubernetes.io/ingress.class': extra.annotation } } : {}) },
  spec: { ...(extra.className ? { ingressClassName: extra.className } : {}), defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
});
const skiffClass = (isDefault: boolean): IngressClass => ({ metadata: { name: 'skiff', ...(isDefault ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } } : {}) }, spec: { controller: 'skiff.io/ingress' } });
const service: Service = { metadata: { namespace: 'ns', name: 'web' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'admin', port: 81, protocol: 'TCP' }] } };
const slice: EndpointSlice = {
  metadata: { namespace: 'ns', name: 'web-1', labels: { [serviceNameLabel]: 'web' } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'admin', port: 9090, protocol: 'TCP' }],
  endpoints: [{ addresses: ['127.0.0.2'], conditions: { ready: true } }, { addresses: ['127.0.0.3'], conditions: { ready: false } }],
};

test('only Ingresses of our class, or class-less ones when our class is the default, are served (oldest first)', () => {
  const all = [ingress('mine', '2024-01-02T00:00:00Z', { className: 'skiff' }), ingress('other', '2024-01-01T00:00:00Z', { className: 'nginx' }), ingress('legacy', '2024-01-01T00:00:00Z', { annotation: 'skiff' }), ingress('none', '2024-01-01T00:00:00Z')];
  const names = (classes: IngressClass[], className = 'skiff') => buildRouteTable({ className, ingresses: all, classes, services: [], slices: [] }).ingresses.map((i) => i.metadata?.name);
  assert.deepEqual(names([skiffClass(true)]), ['legacy', 'none', 'mine']);
  assert.deepEqual(names([skiffClass(false)]), ['legacy', 'mine']);
  assert.deepEqual(names([]), ['legacy', 'mine']);
  assert.deepEqual(names([skiffClass(true)], 'nginx'), ['other']);
});

test('backends resolve by port number or name to ready endpoints and target ports', () => {
  const t = buildRouteTable({ className: 'skiff', ingresses: [], classes: [], services: [service], slices: [slice] });
  const r = (backend: IngressBackend) => t.resolve('ns', backend);
  assert.deepEqual(r({ service: { name: 'web', port: { number: 80 } } }), { key: 'ns/web:80', backends: [{ ip: '127.0.0.2', port: 8080, ready: true, serving: true, terminating: false }] });
  const admin = r({ service: { name: 'web', port: { name: 'admin' } } });
  assert.ok('backends' in admin && admin.backends[0]?.port === 9090);
  assert.match(JSON.stringify(r({ service: { name: 'web', port: { number: 82 } } })), /has no port 82/);
  assert.match(JSON.stringify(r({ service: { name: 'gone', port: { number: 80 } } })), /not found/);
  assert.match(JSON.stringify(t.resolve('other', { service: { name: 'web', port: { number: 80 } } })), /not found/);
  assert.match(JSON.stringify(r({ resource: { kind: 'Bucket', name: 'b' } })), /not supported/);
  const noReady = buildRouteTable({ className: 'skiff', ingresses: [], classes: [], services: [service], slices: [{ ...slice, endpoints: [{ addresses: ['127.0.0.3'], conditions: { ready: false } }] }] });
  assert.match(JSON.stringify(noReady.resolve('ns', { service: { name: 'web', port: { number: 80 } } })), /no ready endpoints/);
});
