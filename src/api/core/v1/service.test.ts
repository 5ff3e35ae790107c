import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, toTable, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { ServiceKind, type Service } from './service.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const now = new Date('2026-11-26T17:00:00Z');

function web(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-11-26T16:00:00Z' },
    spec: {
      selector: { app: 'web', tier: 'front' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'metrics', port: 9090 },
      ],
    },
  };
}

function defaulted(s: Service): Service {
  applyDefaults(ServiceKind, s as Record<string, unknown>);
  return s;
}

test('Service defaults: ClusterIP, None affinity, TCP, targetPort = port, Cluster internal policy', () => {
  const s = defaulted(web());
  assert.equal(s.spec!.type, 'ClusterIP');
  assert.equal(s.spec!.sessionAffinity, 'None');
  assert.equal(s.spec!.internalTrafficPolicy, 'Cluster');
  assert.equal(s.spec!.externalTrafficPolicy, undefined);
  assert.deepEqual(s.spec!.ports!.map((p) => [p.protocol, p.targetPort]), [['TCP', 'http'], ['TCP', 9090]]);
  const lb = defaulted({ ...web(), spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443 }], clusterIP: '198.18.100.7' } });
  assert.equal(lb.spec!.externalTrafficPolicy, 'Cluster');
  assert.equal(lb.spec!.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(lb.spec!.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  assert.deepEqual(lb.spec!.clusterIPs, ['198.18.100.7']);
});

test('realistic Services validate: ClusterIP, headless, NodePort, ExternalName', () => {
  assert.deepEqual(validateObject(ServiceKind, defaulted(web())), []);
  const headless = defaulted({ ...web(), spec: { clusterIP: 'None', selector: { app: 'db' } } });
  assert.deepEqual(validateObject(ServiceKind, headless), []);
  const np = defaulted({ ...web(), spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] } });
  assert.deepEqual(validateObject(ServiceKind, np), []);
  const ext = defaulted({ ...web(), spec: { type: 'ExternalName', externalName: 'db.example.com' } });
  assert.deepEqual(validateObject(ServiceKind, ext), []);
});

const invalid: { name: string; mutate: (s: Service) => void; want: string[] }[] = [
  { name: 'no ports', mutate: (s) => (s.spec!.ports = []), want: ['FieldValueRequired spec.ports'] },
  { name: 'unnamed port among several', mutate: (s) => delete s.spec!.ports![1]!.name, want: ['FieldValueRequired spec.ports[1].name'] },
  { name: 'duplicate port names', mutate: (s) => (s.spec!.ports![1]!.name = 'http'), want: ['FieldValueDuplicate spec.ports[1].name'] },
  { name: 'port out of range', mutate: (s) => (s.spec!.ports![0]!.port = 70000), want: ['FieldValueInvalid spec.ports[0].port'] },
  { name: 'bad target port name', mutate: (s) => (s.spec!.ports![0]!.targetPort = 'Not_Valid'), want: ['FieldValueInvalid spec.ports[0].targetPort'] },
  { name: 'nodePort on ClusterIP', mutate: (s) => (s.spec!.ports![0]!.nodePort = 30001), want: ['FieldValueForbidden spec.ports[0].nodePort'] },
  { name: 'bad cluster IP', mutate: (s) => (s.spec!.clusterIP = '198.300.0.1'), want: ['FieldValueInvalid spec.clusterIPs[0]'] },
  { name: 'unknown type', mutate: (s) => ((s.spec as Record<string, unknown>)['type'] = 'Mesh'), want: ['FieldValueNotSupported spec.type'] },
  { name: 'name must be a DNS-1035 label', mutate: (s) => (s.metadata!.name = '1web'), want: ['FieldValueInvalid metadata.name'] },
];
for (const c of invalid) {
  test(`invalid Service: ${c.name}`, () => {
    const s = defaulted(web());
    c.mutate(s);
    assert.deepEqual(brief(validateObject(ServiceKind, s)), c.want);
  });
}

test('clusterIP is immutable once set, except via ExternalName', () => {
  const old = defaulted({ ...web(), spec: { ...web().spec, clusterIP: '198.18.100.7' } });
  const changed = structuredClone(old);
  changed.spec!.clusterIP = '198.18.100.8';
  changed.spec!.clusterIPs = ['198.18.100.8'];
  const errs = validateObject(ServiceKind, changed, old);
  assert.deepEqual(brief(errs), ['FieldValueInvalid spec.clusterIPs[0]']);
  assert.equal(errs[0]!.message, 'may not change once set');
  const same = structuredClone(old);
  same.spec!.selector = { app: 'web2' };
  assert.deepEqual(validateObject(ServiceKind, same, old), []);
  const toExternal = structuredClone(old);
  toExternal.spec = { type: 'ExternalName', externalName: 'example.com' };
  assert.deepEqual(validateObject(ServiceKind, defaulted(toExternal), old), []);
});

test('Service table: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, wide SELECTOR', () => {
  const cluster = defaulted({ ...web(), spec: { ...web().spec, clusterIP: '198.18.100.7' } });
  const lb = defaulted({
    ...web(),
    metadata: { name: 'lb', creationTimestamp: '2026-11-24T17:00:00Z' },
    spec: { type: 'LoadBalancer', clusterIP: '198.18.100.9', ports: [{ port: 443, nodePort: 31443 }] },
    status: { loadBalancer: { ingress: [{ ip: '198.18.200.2' }, { hostname: 'lb.example' }] } },
  });
  const pending = defaulted({ ...web(), metadata: { name: 'p' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
  const table = toTable(ServiceKind, [cluster, lb, pending], { now }) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  assert.deepEqual(table.rows[0]!.cells, ['web', 'ClusterIP', '198.18.100.7', '<none>', '80/TCP,9090/TCP', '60m', 'app=web,tier=front']);
  assert.deepEqual(table.rows[1]!.cells, ['lb', 'LoadBalancer', '198.18.100.9', '198.18.200.2,lb.example', '443:31443/TCP', '2d', '<none>']);
  assert.deepEqual(table.rows[2]!.cells.slice(1, 5), ['LoadBalancer', '<none>', '<pending>', '80/TCP']);
});
