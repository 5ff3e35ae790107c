import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EndpointSliceKind, serviceNameLabel, type EndpointSlice } from './index.js';
import { render } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, toTable, validateObject } from '../../schema/index.js';

const slice = (): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: 'web-abc12',
    namespace: 'default',
    generateName: 'web-',
    labels: { [serviceNameLabel]: 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  addressType: 'IPv4',
  endpoints: [
    {
      addresses: ['198.18.0.11'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-1',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1' },
      zone: 'zone-a',
    },
    { addresses: ['198.18.0.12'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'node-2' },
  ],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { port: 9090 }],
});

test('EndpointSlice: the controller’s slices are valid; port defaults', () => {
  const s = slice();
  applyDefaults(EndpointSliceKind, s as Record<string, unknown>);
  assert.deepEqual(s.ports?.[1], { port: 9090, name: '', protocol: 'TCP' });
  assert.deepEqual(render(validateObject(EndpointSliceKind, s)), []);
});

test('EndpointSlice: invalid slices', () => {
  const cases: Array<[string, (s: EndpointSlice) => void, string[]]> = [
    ['no addresses', (s) => (s.endpoints![0]!.addresses = []), ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    ['IPv6 in IPv4 slice', (s) => (s.endpoints![1]!.addresses = ['fd00::1']), ['endpoints[1].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']],
    ['duplicate port name', (s) => (s.ports = [{ name: 'http', port: 1 }, { name: 'http', port: 2 }]), ['ports[1].name: Duplicate value: "http"']],
    ['bad address type', (s) => ((s as Record<string, unknown>).addressType = 'IPX'), ['addressType: Unsupported value: "IPX": supported values: "IPv4", "IPv6", "FQDN"']],
  ];
  for (const [name, mutate, want] of cases) {
    const s = slice();
    mutate(s);
    assert.deepEqual(render(validateObject(EndpointSliceKind, s)), want, name);
  }
  const old = slice();
  const v6 = { ...slice(), addressType: 'IPv6' as const, endpoints: [{ addresses: ['fd00::1'] }] };
  assert.deepEqual(render(validateObject(EndpointSliceKind, v6, old)), ['addressType: Invalid value: "IPv6": field is immutable']);
});

test('EndpointSlice: kubectl get columns', () => {
  const now = new Date('2026-01-01T00:00:30Z');
  const s = slice();
  s.endpoints!.push({ addresses: ['198.18.0.13'] }, { addresses: ['198.18.0.14'] });
  const t = toTable(EndpointSliceKind, [s, { ...slice(), endpoints: [], ports: [] }], { now }) as { rows: Array<{ cells: unknown[] }> };
  assert.deepEqual(t.rows[0]?.cells, ['web-abc12', 'IPv4', '8080,9090', '198.18.0.11,198.18.0.12,198.18.0.13 + 1 more...', '30s']);
  assert.deepEqual(t.rows[1]?.cells.slice(2, 4), ['<unset>', '<unset>']);
  assert.equal(EndpointSliceKind.schema.fields.addressType?.proto, 4);
});
