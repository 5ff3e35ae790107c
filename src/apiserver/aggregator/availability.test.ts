import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { APIService } from '../../api/apiregistration/v1/index.js';
import type { Service } from '../../api/core/v1/service.js';
import type { EndpointSlice } from '../../api/discovery/v1/endpoint-slice.js';
import { checkAvailability, type RemoteFetch } from './availability.js';
import { statusUpdate } from './conditions.js';
import { resolveService, type ServiceLookup } from '../service-resolver.js';
import type { RemoteTarget } from './transport.js';

const apiService: APIService = {
  metadata: { name: 'v1alpha1.wardle.example.com' },
  spec: { group: 'wardle.example.com', version: 'v1alpha1', service: { namespace: 'wardle', name: 'api', port: 443 }, caBundle: Buffer.from('CA').toString('base64'), groupPriorityMinimum: 1000, versionPriority: 15 },
};
const service: Service = { metadata: { name: 'api', namespace: 'wardle' }, spec: { ports: [{ name: 'https', port: 443, targetPort: 8443 }] } };
const slice = (ready: boolean, portName = 'https'): EndpointSlice => ({
  metadata: { name: 'api-1', namespace: 'wardle', labels: { 'kubernetes.io/service-name': 'api' } },
  addressType: 'IPv4',
  ports: [{ name: portName, port: 8443, protocol: 'TCP' }],
  endpoints: [{ addresses: ['127.0.0.9'], conditions: { ready } }],
});
const lookup = (svc: Service | undefined, slices: EndpointSlice[]): ServiceLookup => ({ service: () => svc, endpointSlices: () => slices });

test('resolve: the Service port, then a ready endpoint on the slice port of the same name', () => {
  assert.deepEqual(resolveService(apiService.spec!.service!, lookup(service, [slice(true)])), { ok: true, host: '127.0.0.9', port: 8443 });
  assert.deepEqual(resolveService(apiService.spec!.service!, lookup(undefined, [])), { ok: false, reason: 'ServiceNotFound', message: 'service/api in "wardle" is not present' });
  assert.deepEqual(resolveService({ ...apiService.spec!.service!, port: 444 }, lookup(service, [slice(true)])), {
    ok: false,
    reason: 'ServicePortError',
    message: 'service/api in "wardle" is not listening on port 444',
  });
  for (const slices of [[], [slice(false)], [slice(true, 'other')]]) {
    assert.deepEqual(resolveService(apiService.spec!.service!, lookup(service, slices)), {
      ok: false,
      reason: 'MissingEndpoints',
      message: 'endpoints for service/api in "wardle" have no addresses with port name "https"',
    });
  }
});

test('availability: discovery check passes with the server’s resources, or fails with upstream’s reason', async () => {
  const calls: Array<{ target: RemoteTarget; path: string }> = [];
  const ok: RemoteFetch = async (target, path) => {
    calls.push({ target, path });
    return { status: 200, body: JSON.stringify({ kind: 'APIResourceList', resources: [{ name: 'flunders', kind: 'Flunder', namespaced: true, verbs: ['get'] }] }) };
  };
  const passed = await checkAvailability(apiService, lookup(service, [slice(true)]), ok);
  assert.deepEqual(passed, { available: true, reason: 'Passed', message: 'all checks passed', resources: [{ name: 'flunders', kind: 'Flunder', namespaced: true, verbs: ['get'] }] });
  assert.deepEqual(calls, [{ path: '/apis/wardle.example.com/v1alpha1', target: { host: '127.0.0.9', port: 8443, serverName: 'api.wardle.svc', ca: 'CA', insecure: false } }]);

  const refused: RemoteFetch = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.9:8443');
  };
  assert.deepEqual(await checkAvailability(apiService, lookup(service, [slice(true)]), refused), {
    available: false,
    reason: 'FailedDiscoveryCheck',
    message: 'failing or missing response from https://127.0.0.9:8443/apis/wardle.example.com/v1alpha1: connect ECONNREFUSED 127.0.0.9:8443',
  });
  const bad = await checkAvailability(apiService, lookup(service, [slice(true)]), async () => ({ status: 500, body: '' }));
  assert.equal(bad.reason, 'FailedDiscoveryCheck');
  assert.equal((await checkAvailability(apiService, lookup(service, []), ok)).reason, 'MissingEndpoints');
  assert.equal((await checkAvailability(apiService, lookup(undefined, []), ok)).reason, 'ServiceNotFound');
});

test('conditions: written only when they change; the transition time moves with the status', () => {
  const t0 = new Date('2026-01-01T00:00:00.500Z');
  const first = statusUpdate(apiService, { status: 'False', reason: 'MissingEndpoints', message: 'm' }, t0);
  assert.deepEqual(first?.status?.conditions, [{ type: 'Available', status: 'False', reason: 'MissingEndpoints', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z' }]);
  assert.equal(statusUpdate(first!, { status: 'False', reason: 'MissingEndpoints', message: 'm' }, new Date()), undefined);
  const reason = statusUpdate(first!, { status: 'False', reason: 'FailedDiscoveryCheck', message: 'n' }, new Date('2026-02-01T00:00:00Z'));
  assert.equal(reason?.status?.conditions?.[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
  const up = statusUpdate(reason!, { status: 'True', reason: 'Passed', message: 'all checks passed' }, new Date('2026-03-01T00:00:00Z'));
  assert.equal(up?.status?.conditions?.[0]?.lastTransitionTime, '2026-03-01T00:00:00Z');
});
