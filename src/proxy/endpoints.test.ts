import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice } from '../api/discovery/v1/endpoint-slice.js';
import type { Service } from '../api/core/v1/service.js';
import { AffinityTable, RoundRobin, affinityTimeoutMs, backendsFor, backendsForPolicy, usableBackends, type Backend } from './endpoints.js';

const slice = (ports: EndpointSlice['ports'], eps: Array<[string, { ready?: boolean; serving?: boolean; terminating?: boolean }?]>): EndpointSlice => ({
  addressType: 'IPv4',
  ports,
  endpoints: eps.map(([ip, conditions]) => ({ addresses: [ip], ...(conditions ? { conditions } : {}) })),
});

test('backendsFor matches slice ports by name and protocol, dedupes, defaults conditions', () => {
  const slices = [
    slice([{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }], [['198.18.0.2'], ['198.18.0.1', { ready: false, serving: true, terminating: true }]]),
    slice([{ name: 'http', port: 8080 }], [['198.18.0.1', { ready: true }]]),
    slice([{ name: 'other', port: 9 }], [['198.18.0.9']]),
  ];
  assert.deepEqual(backendsFor({ name: 'http', port: 80, protocol: 'TCP' }, slices), [
    { ip: '198.18.0.1', port: 8080, ready: true, serving: true, terminating: false },
    { ip: '198.18.0.2', port: 8080, ready: true, serving: true, terminating: false },
  ]);
  assert.deepEqual(backendsFor({ name: 'dns', port: 53, protocol: 'UDP' }, slices).map((b) => b.ip), ['198.18.0.1', '198.18.0.2']);
  assert.deepEqual(backendsFor({ port: 80 }, slices), []);
});

test('usableBackends: ready only; serving terminating ones only when nothing is ready', () => {
  const b = (ip: string, ready: boolean, serving: boolean, terminating: boolean): Backend => ({ ip, port: 1, ready, serving, terminating });
  assert.deepEqual(usableBackends([b('a', true, true, false), b('t', false, true, true), b('u', false, false, false)]).map((x) => x.ip), ['a']);
  assert.deepEqual(usableBackends([b('t', false, true, true), b('x', false, false, true), b('u', false, false, false)]).map((x) => x.ip), ['t']);
  assert.deepEqual(usableBackends([b('u', false, false, false)]), []);
});

test('RoundRobin cycles and survives a shrinking list', () => {
  const rr = new RoundRobin();
  assert.deepEqual([1, 2, 3, 4].map(() => rr.pick(['a', 'b', 'c'])), ['a', 'b', 'c', 'a']);
  assert.equal(rr.pick(['x']), 'x');
  assert.equal(rr.pick([]), undefined);
});

test('AffinityTable sticks per client until the timeout or until the backend goes away', () => {
  let now = 0;
  const t = new AffinityTable({ timeoutMs: 1000, now: () => now });
  const a: Backend = { ip: 'a', port: 1, ready: true, serving: true, terminating: false };
  const b: Backend = { ip: 'b', port: 1, ready: true, serving: true, terminating: false };
  const rr = new RoundRobin();
  const choose = () => rr.pick([a, b]);
  assert.equal(t.pick('c1', [a, b], choose), a);
  assert.equal(t.pick('c2', [a, b], choose), b);
  now = 900;
  assert.equal(t.pick('c1', [a, b], choose), a, 'still sticky, refreshed');
  now = 1800;
  assert.equal(t.pick('c1', [a, b], choose), a, 'refreshed at 900, so still valid at 1800');
  now = 5000;
  t.sweep();
  assert.equal(t.size, 0);
  assert.equal(t.pick('c1', [b], () => b), b, 'gone backend → re-chosen');
  assert.equal(t.pick('c1', [a], () => a), a);
});

test('affinityTimeoutMs', () => {
  assert.equal(affinityTimeoutMs({ spec: { sessionAffinity: 'None' } }), undefined);
  assert.equal(affinityTimeoutMs({ spec: { sessionAffinity: 'ClientIP' } }), 10800_000);
  assert.equal(affinityTimeoutMs({ spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } } }), 5000);
});

test('traffic policies: Local keeps the endpoints on this node, per traffic source; no node name means Cluster', () => {
  const slices: EndpointSlice[] = [
    {
      addressType: 'IPv4',
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['198.18.0.1'], nodeName: 'here' },
        { addresses: ['198.18.0.2'], nodeName: 'there' },
      ],
    },
  ];
  const all = backendsFor({ port: 80, protocol: 'TCP' }, slices);
  assert.deepEqual(all.map((b) => b.nodeName), ['here', 'there']);
  const svc = (spec: NonNullable<Service['spec']>) => ({ spec }) as Service;
  const itp = svc({ type: 'NodePort', internalTrafficPolicy: 'Local', externalTrafficPolicy: 'Cluster' });
  assert.deepEqual(backendsForPolicy(itp, all, 'internal', 'here').map((b) => b.ip), ['198.18.0.1']);
  assert.deepEqual(backendsForPolicy(itp, all, 'external', 'here').map((b) => b.ip), ['198.18.0.1', '198.18.0.2']);
  const etp = svc({ type: 'LoadBalancer', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Local' });
  assert.deepEqual(backendsForPolicy(etp, all, 'internal', 'here').map((b) => b.ip), ['198.18.0.1', '198.18.0.2']);
  assert.deepEqual(backendsForPolicy(etp, all, 'external', 'elsewhere'), [], 'no local endpoint: refused, not sent to another node');
  assert.deepEqual(backendsForPolicy(etp, all, 'external', undefined).length, 2);
});
