import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MutatingWebhookConfigurationKind, ValidatingWebhookConfigurationKind, type MutatingWebhookConfiguration } from './index.js';
import { renderFieldError } from '../../../machinery/field-errors.js';
import { applyDefaults, decodeObject, encodeObject, toTable, validateObject } from '../../schema/index.js';
import type { SchemaFieldError } from '../../schema/dsl.js';

const render = (errs: readonly SchemaFieldError[]): string[] => errs.map(renderFieldError);

/** A typical chart's configuration: a Service-backed mutating webhook for pods. */
const mutating = (): MutatingWebhookConfiguration => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: { name: 'injector', creationTimestamp: '2026-01-01T00:00:00Z' },
  webhooks: [
    {
      name: 'inject.example.com',
      clientConfig: { service: { namespace: 'system', name: 'injector', path: '/mutate' }, caBundle: Buffer.from('pem').toString('base64') },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    },
  ],
});

const errorsOf = (mutate: (o: MutatingWebhookConfiguration) => void): string[] => {
  const o = mutating();
  mutate(o);
  applyDefaults(MutatingWebhookConfigurationKind, o);
  return render(validateObject(MutatingWebhookConfigurationKind, o));
};

test('webhook configurations: upstream defaults', () => {
  const o = mutating();
  applyDefaults(MutatingWebhookConfigurationKind, o);
  const w = o.webhooks![0]!;
  assert.equal(w.failurePolicy, 'Fail');
  assert.equal(w.matchPolicy, 'Equivalent');
  assert.equal(w.timeoutSeconds, 10);
  assert.equal(w.reinvocationPolicy, 'Never');
  assert.deepEqual(w.namespaceSelector, {});
  assert.deepEqual(w.objectSelector, {});
  assert.equal(w.clientConfig!.service!.port, 443);
  assert.equal(w.rules![0]!.scope, '*');
  assert.deepEqual(render(validateObject(MutatingWebhookConfigurationKind, o)), []);
});

test('webhook configurations: upstream validation messages', () => {
  const cases: Array<[string, (o: MutatingWebhookConfiguration) => void, string[]]> = [
    ['short name', (o) => (o.webhooks![0]!.name = 'injector.example'), ['webhooks[0].name: Invalid value: "injector.example": should be a domain with at least three segments separated by dots']],
    ['no name', (o) => (o.webhooks![0]!.name = ''), ['webhooks[0].name: Required value']],
    ['no side effects', (o) => delete o.webhooks![0]!.sideEffects, ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun']],
    ['side effects Some', (o) => (o.webhooks![0]!.sideEffects = 'Some'), ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']],
    ['timeout', (o) => (o.webhooks![0]!.timeoutSeconds = 31), ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds']],
    ['no review versions', (o) => delete o.webhooks![0]!.admissionReviewVersions, ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1']],
    ['unknown review version', (o) => (o.webhooks![0]!.admissionReviewVersions = ['v2']), ['webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1']],
    ['both url and service', (o) => (o.webhooks![0]!.clientConfig!.url = 'https://x.example.com'), ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']],
    [
      'http url',
      (o) => (o.webhooks![0]!.clientConfig = { url: 'http://hook.example.com/x?a=b' }),
      ['webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]', 'webhooks[0].clientConfig.url: Invalid value: "a=b": query parameters are not permitted in the URL'],
    ],
    ['service path', (o) => (o.webhooks![0]!.clientConfig!.service!.path = 'mutate'), ['webhooks[0].clientConfig.service.path: Invalid value: "mutate": must start with a \'/\'']],
    ['service port', (o) => (o.webhooks![0]!.clientConfig!.service!.port = 0), ['webhooks[0].clientConfig.service.port: Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive']],
    ['unknown operation', (o) => (o.webhooks![0]!.rules![0]!.operations = ['GET' as 'CREATE']), ['webhooks[0].rules[0].operations[0]: Unsupported value: "GET": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"']],
    ['wildcard and others', (o) => (o.webhooks![0]!.rules![0]!.resources = ['*', 'pods']), ['webhooks[0].rules[0].resources: Invalid value: []string{"*", "pods"}: if \'*\' is present, must not specify other resources without subresources']],
    ['overlapping subresources', (o) => (o.webhooks![0]!.rules![0]!.resources = ['pods/*', 'pods/status']), ['webhooks[0].rules[0].resources[1]: Invalid value: "pods/status": if \'pods/*\' is present, must not specify pods/status']],
    ['no api groups', (o) => (o.webhooks![0]!.rules![0]!.apiGroups = []), ['webhooks[0].rules[0].apiGroups: Required value']],
    ['bad scope', (o) => (o.webhooks![0]!.rules![0]!.scope = 'Global' as '*'), ['webhooks[0].rules[0].scope: Unsupported value: "Global": supported values: "*", "Cluster", "Namespaced"']],
    ['duplicate webhook', (o) => o.webhooks!.push(structuredClone(o.webhooks![0]!)), ['webhooks[1].name: Duplicate value: "inject.example.com"']],
  ];
  for (const [what, mutate, want] of cases) assert.deepEqual(errorsOf(mutate), want, what);
});

test('webhook configurations: an update keeps what the stored object already had', () => {
  const old = mutating();
  old.webhooks![0]!.sideEffects = 'Unknown';
  const next = structuredClone(old);
  next.metadata!.labels = { a: 'b' };
  applyDefaults(MutatingWebhookConfigurationKind, next);
  applyDefaults(MutatingWebhookConfigurationKind, old);
  assert.deepEqual(render(validateObject(MutatingWebhookConfigurationKind, next, old)), []);
});

test('webhook configurations: protobuf round trip nests the Rule at field 2 and prints NAME WEBHOOKS AGE', () => {
  const o = mutating();
  applyDefaults(MutatingWebhookConfigurationKind, o);
  const bytes = encodeObject(MutatingWebhookConfigurationKind, o);
  assert.deepEqual(decodeObject(MutatingWebhookConfigurationKind, bytes), o);
  const table = toTable(ValidatingWebhookConfigurationKind, [{ ...o, kind: 'ValidatingWebhookConfiguration' }], { now: new Date('2026-01-01T00:05:00Z') }) as {
    columnDefinitions: Array<{ name: string }>;
    rows: Array<{ cells: unknown[] }>;
  };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Webhooks', 'Age']);
  assert.deepEqual(table.rows[0]!.cells, ['injector', 1, '5m']);
});
