import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget, ResolveError, type ServiceLookup } from './resolve.js';

const svc = { metadata: { name: 'hook', namespace: 'team' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 'web' }, { port: 8443, targetPort: 9443 }] } };
const slice = {
  metadata: { name: 'hook-abc', namespace: 'team', labels: { 'kubernetes.io/service-name': 'hook' } },
  ports: [{ name: 'https', port: 10250 }],
  endpoints: [{ addresses: ['127.0.0.9'], conditions: { ready: false } }, { addresses: ['127.0.0.7'], conditions: { ready: true } }],
};
const lookup = (slices: object[] = [slice]): ServiceLookup => ({ service: (ns, name) => (ns === 'team' && name === 'hook' ? svc : undefined), endpointSlices: () => slices });

test('resolve: a url is used as given, with its CA bundle', () => {
  const t = resolveTarget({ url: 'https://127.0.0.1:8443/validate', caBundle: Buffer.from('PEM').toString('base64') }, lookup());
  assert.deepEqual(t, { url: 'https://127.0.0.1:8443/validate', connectHost: '127.0.0.1', connectPort: 8443, serverName: '127.0.0.1', caPem: 'PEM' });
  assert.equal(resolveTarget({ url: 'https://hooks.example.com/x' }, lookup()).connectPort, 443);
});

test('resolve: a service goes to a ready endpoint, its port mapped by name, verified as <svc>.<ns>.svc', () => {
  const t = resolveTarget({ service: { namespace: 'team', name: 'hook', path: '/mutate' } }, lookup());
  assert.deepEqual(t, { url: 'https://hook.team.svc:443/mutate', connectHost: '127.0.0.7', connectPort: 10250, serverName: 'hook.team.svc' });
});

test('resolve: a missing service, port or ready endpoint is a ResolveError', () => {
  assert.throws(() => resolveTarget({ service: { namespace: 'team', name: 'nope' } }, lookup()), ResolveError);
  assert.throws(() => resolveTarget({ service: { namespace: 'team', name: 'hook', port: 1 } }, lookup()), ResolveError);
  assert.throws(() => resolveTarget({ service: { namespace: 'team', name: 'hook' } }, lookup([{ ...slice, endpoints: [{ addresses: ['127.0.0.9'], conditions: { ready: false } }] }])), /have no addresses/);
});
