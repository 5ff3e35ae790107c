import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CustomResourceDefinitionKind, JSONSchemaPropsSchema, type CustomResourceDefinition } from './index.js';
import { applySchemaDefaults, render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, validateObject, toTable } from '../../schema/index.js';

const crd = (): CustomResourceDefinition => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', kind: 'CronTab', shortNames: ['ct'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['cronSpec'],
                properties: {
                  cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
                  image: { type: 'string' },
                  replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
                  tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                },
                'x-kubernetes-validations': [{ rule: 'self.replicas <= 10', message: 'too many' }],
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }],
      },
    ],
  },
});

test('CRD: the docs example is valid, defaulted like upstream', () => {
  const o = applySchemaDefaults(CustomResourceDefinitionKind.schema, crd());
  assert.equal(o.spec?.names?.singular, 'crontab');
  assert.equal(o.spec?.names?.listKind, 'CronTabList');
  assert.deepEqual(o.spec?.conversion, { strategy: 'None' });
  assert.deepEqual(validateWithHooks(CustomResourceDefinitionKind, o), []);
  const viaEngine = crd() as Record<string, unknown>;
  applyDefaults(CustomResourceDefinitionKind, viaEngine);
  assert.deepEqual(viaEngine, o as unknown);
  assert.deepEqual(validateObject(CustomResourceDefinitionKind, viaEngine), []);
});

test('CRD: invalid definitions', () => {
  const mutate = (fn: (c: CustomResourceDefinition) => void) => {
    const c = applySchemaDefaults(CustomResourceDefinitionKind.schema, crd());
    fn(c);
    return render(validateWithHooks(CustomResourceDefinitionKind, c));
  };
  assert.deepEqual(mutate((c) => (c.metadata!.name = 'crontabs')), ['metadata.name: Invalid value: "crontabs": must be spec.names.plural+"."+spec.group']);
  assert.deepEqual(
    mutate((c) => {
      c.spec!.group = 'example';
      c.metadata!.name = 'crontabs.example';
    }),
    ['spec.group: Invalid value: "example": should be a domain with at least one dot'],
  );
  assert.deepEqual(
    mutate((c) => (c.spec!.versions![0]!.storage = false)).map((s) => s.replace(/Invalid value: .*: must/, 'Invalid value: …: must')),
    ['spec.versions: Invalid value: …: must have exactly one version marked as storage version'],
  );
  assert.deepEqual(mutate((c) => delete c.spec!.versions![0]!.schema), ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required']);
  assert.deepEqual(mutate((c) => (c.spec!.versions![0]!.subresources!.scale!.specReplicasPath = '.status.replicas')), [
    'spec.versions[0].subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
  ]);
  assert.deepEqual(mutate((c) => (c.spec!.conversion = { strategy: 'Webhook' })), [
    'spec.conversion.webhook: Required value: required when strategy is set to Webhook',
  ]);
  assert.deepEqual(mutate((c) => (c.spec!.versions![0]!.schema!.openAPIV3Schema!.type = 'string')), [
    'spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root',
  ]);
});

test('CRD: scope and group are immutable (engine)', () => {
  const old = crd() as Record<string, unknown>;
  applyDefaults(CustomResourceDefinitionKind, old);
  const upd = structuredClone(old) as CustomResourceDefinition;
  upd.spec!.scope = 'Cluster';
  assert.deepEqual(render(validateObject(CustomResourceDefinitionKind, upd, old)), ['spec.scope: Invalid value: "Cluster": field is immutable']);
});

test('CRD: prints NAME and CREATED AT like the default table', () => {
  const table = toTable(CustomResourceDefinitionKind, [crd()], { now: new Date('2026-02-01T00:00:00Z') }) as { rows: Array<{ cells: unknown[] }>; columnDefinitions: Array<{ name: string }> };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Created At']);
  assert.deepEqual(table.rows[0]?.cells, ['crontabs.stable.example.com', '2026-01-01T00:00:00Z']);
  assert.deepEqual(CustomResourceDefinitionKind.shortNames, ['crd', 'crds']);
});

test('JSONSchemaProps: upstream numbers and JSON names', () => {
  const fl = JSONSchemaPropsSchema.fields;
  assert.equal(fl.$schema?.proto, 2);
  assert.equal(fl.properties?.proto, 29);
  assert.equal(fl['x-kubernetes-preserve-unknown-fields']?.proto, 38);
  assert.equal(fl['x-kubernetes-validations']?.proto, 44);
  assert.equal(fl['x-kubernetes-validations']?.patchMergeKey, 'rule');
});
