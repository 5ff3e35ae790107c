import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APIServiceKind, APIServiceSpecSchema, APIServiceConditionSchema, BUILTIN_GROUPS, ServiceReferenceSchema, type APIService } from './index.js';
import { render } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, validateObject } from '../../schema/index.js';
import { builtinGroupVersions } from '../../registry.js';

const remote = (): APIService => ({
  apiVersion: 'apiregistration.k8s.io/v1',
  kind: 'APIService',
  metadata: { name: 'v1alpha1.wardle.example.com', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    group: 'wardle.example.com',
    version: 'v1alpha1',
    service: { namespace: 'wardle', name: 'api' },
    caBundle: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64'),
    groupPriorityMinimum: 1000,
    versionPriority: 15,
  },
});

const errorsOf = (svc: APIService): string[] => render(validateObject(APIServiceKind, svc));

test('APIService: a remote registration is valid; the service port defaults to 443', () => {
  const svc = remote();
  applyDefaults(APIServiceKind, svc);
  assert.equal(svc.spec?.service?.port, 443);
  assert.deepEqual(errorsOf(svc), []);
});

test('APIService: upstream’s validation messages', () => {
  const cases: Array<[string, (s: APIService) => void, string[]]> = [
    ['name must be version.group', (s) => (s.metadata!.name = 'wardle'), ['metadata.name: Invalid value: "wardle": must be `spec.version+"."+spec.group`: "v1alpha1.wardle.example.com"']],
    ['priorities', (s) => Object.assign(s.spec!, { groupPriorityMinimum: 0, versionPriority: 1001 }), [
      'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
      'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000',
    ]],
    ['empty group needs v1', (s) => {
      Object.assign(s.spec!, { group: '' });
      s.metadata!.name = 'v1alpha1.';
    }, [
      'spec.group: Required value: only v1 may have an empty group and it better be legacy kube',
      'spec.service: Forbidden: group "" is served by this API server and cannot be delegated',
    ]],
    ['service names', (s) => (s.spec!.service = { port: 443 }), ['spec.service.namespace: Required value', 'spec.service.name: Required value']],
    ['insecure with a CA', (s) => (s.spec!.insecureSkipTLSVerify = true), ['spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present']],
    ['local with a CA', (s) => delete s.spec!.service, ['spec.caBundle: Invalid value: "27 bytes": local APIServices may not have a caBundle']],
    ['bad version', (s) => {
      s.spec!.version = 'V1';
      s.metadata!.name = 'V1.wardle.example.com';
    }, ['spec.version: Invalid value: "V1": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')']],
  ];
  for (const [what, change, want] of cases) {
    const svc = remote();
    change(svc);
    assert.deepEqual(errorsOf(svc), want, what);
  }
});

test('APIService: remote servers may not take over built-in groups, except metrics.k8s.io/v1beta1', () => {
  const batch = remote();
  Object.assign(batch.spec!, { group: 'batch', version: 'v1' });
  batch.metadata!.name = 'v1.batch';
  assert.deepEqual(errorsOf(batch), ['spec.service: Forbidden: group "batch" is served by this API server and cannot be delegated']);
  const metrics = remote();
  Object.assign(metrics.spec!, { group: 'metrics.k8s.io', version: 'v1beta1' });
  metrics.metadata!.name = 'v1beta1.metrics.k8s.io';
  assert.deepEqual(errorsOf(metrics), []);
  const local = { ...batch, spec: { group: 'batch', version: 'v1', groupPriorityMinimum: 17400, versionPriority: 15 } };
  assert.deepEqual(errorsOf(local), []);
});

test('APIService: the built-in group list matches the registry', () => {
  assert.deepEqual([...BUILTIN_GROUPS].sort(), [...new Set(builtinGroupVersions.map((gv) => gv.group))].sort());
});

test('APIService: printer columns SERVICE and AVAILABLE', () => {
  const cols = APIServiceKind.printerColumns;
  assert.deepEqual(cols.map((c) => c.name), ['Service', 'Available', 'Age']);
  const now = new Date();
  const svc = remote();
  assert.equal(cols[0]?.value(svc, now), 'wardle/api');
  assert.equal(cols[1]?.value(svc, now), 'Unknown');
  svc.status = { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] };
  assert.equal(cols[1]?.value(svc, now), 'False (MissingEndpoints)');
  svc.status = { conditions: [{ type: 'Available', status: 'True', reason: 'Passed' }] };
  assert.equal(cols[1]?.value(svc, now), 'True');
  delete svc.spec!.service;
  assert.equal(cols[0]?.value(svc, now), 'Local');
});

test('APIService: wire facts (generated.proto)', () => {
  const s = APIServiceSpecSchema.fields;
  assert.deepEqual(
    [s.service?.proto, s.group?.proto, s.version?.proto, s.insecureSkipTLSVerify?.proto, s.caBundle?.proto, s.groupPriorityMinimum?.proto, s.versionPriority?.proto],
    [1, 2, 3, 4, 5, 7, 8],
  );
  const r = ServiceReferenceSchema.fields;
  assert.deepEqual([r.namespace?.proto, r.name?.proto, r.port?.proto], [1, 2, 3]);
  const c = APIServiceConditionSchema.fields;
  assert.deepEqual([c.type?.proto, c.status?.proto, c.lastTransitionTime?.proto, c.reason?.proto, c.message?.proto], [1, 2, 3, 4, 5]);
  assert.equal(APIServiceKind.namespaced, false);
  assert.equal(APIServiceKind.subresources?.status, true);
});
