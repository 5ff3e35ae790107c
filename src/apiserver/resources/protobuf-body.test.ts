import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

// Captured from `kubectl create namespace foo` (kubectl 1.32): k8s\0 + runtime.Unknown.
const CREATE_NS_FOO = Buffer.from(
  '6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200',
  'hex',
);

test('a protobuf create (kubectl create namespace) is decoded and stored', async () => {
  const r = await h.req('POST', '/api/v1/namespaces', new Uint8Array(CREATE_NS_FOO), {
    'content-type': 'application/vnd.kubernetes.protobuf',
    accept: 'application/vnd.kubernetes.protobuf,application/json',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.kind, 'Namespace');
  assert.equal(r.body.metadata.name, 'foo');
  assert.match(r.body.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.equal((await h.req('GET', '/api/v1/namespaces/foo')).status, 200);
});

test('malformed protobuf bodies are 400, never 500', async () => {
  for (const bytes of [Buffer.from('6b387300ff', 'hex'), Buffer.from('00000000', 'hex'), CREATE_NS_FOO.subarray(0, 20)]) {
    const r = await h.req('POST', '/api/v1/namespaces', new Uint8Array(bytes), { 'content-type': 'application/vnd.kubernetes.protobuf' });
    assert.equal(r.status, 400, `${bytes.toString('hex')}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.kind, 'Status');
  }
});

test('a protobuf DeleteOptions body (typed clients) is honoured', async () => {
  const { encodeObject } = await import('../../api/schema/protobuf.js');
  const { encodeEnvelope } = await import('../../machinery/protobuf-envelope.js');
  const { DELETE_OPTIONS_SPEC } = await import('./delete-options.js');
  await h.req('POST', '/api/v1/namespaces/default/things', { metadata: { name: 'pb-del' } });
  const raw = encodeObject(DELETE_OPTIONS_SPEC, { propagationPolicy: 'Orphan' });
  const body = encodeEnvelope({ apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', raw });
  const r = await h.req('DELETE', '/api/v1/namespaces/default/things/pb-del', body, { 'content-type': 'application/vnd.kubernetes.protobuf' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.metadata.finalizers, ['orphan']);
});

test('a protobuf Eviction (kubectl drain) evicts the pod', async () => {
  const { encodeObject } = await import('../../api/schema/protobuf.js');
  const { encodeEnvelope } = await import('../../machinery/protobuf-envelope.js');
  const { EvictionKind } = await import('../../api/policy/v1/pod-disruption-budget.js');
  await h.req('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'drained' }, spec: {} });
  const raw = encodeObject(EvictionKind, { metadata: { name: 'drained', namespace: 'default' } });
  const body = encodeEnvelope({ apiVersion: 'policy/v1', kind: 'Eviction', raw });
  const r = await h.req('POST', '/api/v1/namespaces/default/pods/drained/eviction', body, { 'content-type': 'application/vnd.kubernetes.protobuf' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal((await h.req('GET', '/api/v1/namespaces/default/pods/drained')).status, 404);
});
