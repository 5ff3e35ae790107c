import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindSpecsFromCRD, readSimpleJsonPath, storageVersionOf, type CustomResourceDefinition } from './index.js';
import { render } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, pruneUnknownFields, toTable, validateObject } from '../../schema/index.js';
import { Registry } from '../../registry.js';

const crd = (): CustomResourceDefinition => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
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
                  cronSpec: { type: 'string', pattern: '^(\\S+\\s+){4}\\S+$' },
                  image: { type: 'string' },
                  replicas: { type: 'integer', format: 'int32', minimum: 1, maximum: 10, default: 1 },
                  mode: { type: 'string', enum: ['Fast', 'Slow'] },
                  port: { 'x-kubernetes-int-or-string': true },
                  env: { type: 'object', additionalProperties: { type: 'string' } },
                  tags: { type: 'array', items: { type: 'string' }, maxItems: 2, 'x-kubernetes-list-type': 'set' },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        additionalPrinterColumns: [
          { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        selectableFields: [{ jsonPath: '.spec.image' }],
      },
      { name: 'v1beta1', served: false, storage: false },
    ],
  },
});

const cr = () => ({
  apiVersion: 'stable.example.com/v1',
  kind: 'CronTab',
  metadata: { name: 'my-new-cron-object', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { cronSpec: '* * * * */5', image: 'my-awesome-cron-image', port: 'http', env: { A: '1' }, tags: ['x'] },
});

test('CRD → KindSpec: names, scope, subresources, served versions only', () => {
  const specs = kindSpecsFromCRD(crd());
  assert.equal(specs.length, 1);
  const k = specs[0]!;
  assert.deepEqual([k.group, k.version, k.kind, k.plural, k.singular, k.namespaced], ['stable.example.com', 'v1', 'CronTab', 'crontabs', 'crontab', true]);
  assert.deepEqual(k.shortNames, ['ct']);
  assert.deepEqual(k.subresources, { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } });
  assert.equal(k.schema.openApiName, 'com.example.stable.v1.CronTab');
  assert.equal(storageVersionOf(crd()), 'v1');
  const registry = new Registry([]);
  registry.add(k);
  assert.equal(registry.byApiVersionKind('stable.example.com/v1', 'CronTab'), k);
});

test('custom resources: defaults, validation and pruning from the OpenAPI schema', () => {
  const k = kindSpecsFromCRD(crd())[0]!;
  const o = cr() as Record<string, unknown>;
  applyDefaults(k, o);
  assert.equal((o.spec as Record<string, unknown>).replicas, 1);
  assert.deepEqual(render(validateObject(k, o)), []);

  const bad = { ...cr(), spec: { image: 'x', replicas: 11, mode: 'Medium', tags: ['a', 'b', 'c'], cronSpec: 'nope' } };
  const errs = render(validateObject(k, bad));
  assert.ok(errs.some((e) => e.startsWith('spec.cronSpec: Invalid value: "nope": spec.cronSpec in body should match')), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('spec.replicas: Invalid value: 11')), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('spec.mode: Unsupported value: "Medium"')), errs.join('\n'));
  assert.ok(errs.some((e) => e === 'spec.tags: Too many: 3: must have at most 2 items'), errs.join('\n'));
  assert.ok(render(validateObject(k, { ...cr(), spec: { image: 'x' } })).includes('spec.cronSpec: Required value'));

  const extra = { ...cr(), spec: { ...cr().spec, unknown: true }, status: { anything: { goes: 1 } } } as Record<string, unknown>;
  const pruned = pruneUnknownFields(k, extra);
  assert.deepEqual(pruned, ['spec.unknown']);
  assert.deepEqual(extra.status, { anything: { goes: 1 } }, 'x-kubernetes-preserve-unknown-fields keeps status');
});

test('custom resources: printer columns and selectable fields', () => {
  const k = kindSpecsFromCRD(crd())[0]!;
  const o = cr() as Record<string, unknown>;
  applyDefaults(k, o);
  const table = toTable(k, [o], { now: new Date('2026-01-01T00:03:00Z') }) as {
    columnDefinitions: Array<{ name: string }>;
    rows: Array<{ cells: unknown[] }>;
  };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Spec', 'Replicas', 'Age']);
  assert.deepEqual(table.rows[0]?.cells, ['my-new-cron-object', '* * * * */5', 1, '3m']);
  assert.equal(k.fieldSelectors?.['spec.image']?.(o), 'my-awesome-cron-image');

  const noColumns = crd();
  delete noColumns.spec!.versions![0]!.additionalPrinterColumns;
  const plain = kindSpecsFromCRD(noColumns)[0]!;
  assert.deepEqual(plain.printerColumns.map((c) => c.name), ['Age']);
});

test('simple JSONPath reader', () => {
  const o = { status: { conditions: [{ type: 'Ready' }] }, metadata: { labels: { app: 'x' } } };
  assert.equal(readSimpleJsonPath(o, '.status.conditions[0].type'), 'Ready');
  assert.equal(readSimpleJsonPath(o, '.metadata.labels.app'), 'x');
  assert.equal(readSimpleJsonPath(o, '.spec.missing'), undefined);
});

test('x-kubernetes-preserve-unknown-fields beside properties keeps undeclared fields (root and nested) and still checks the declared ones', () => {
  const def = crd();
  const v = def.spec!.versions![0]!;
  const schema = v.schema!.openAPIV3Schema as Record<string, any>;
  schema['x-kubernetes-preserve-unknown-fields'] = true;
  schema.properties.spec['x-kubernetes-preserve-unknown-fields'] = true;
  const k = kindSpecsFromCRD(def)[0]!;
  const obj = { ...cr(), extraTop: 1, spec: { ...cr().spec, unknown: true } } as Record<string, unknown>;
  assert.deepEqual(pruneUnknownFields(k, obj), []);
  assert.equal(obj.extraTop, 1);
  assert.equal((obj.spec as Record<string, unknown>).unknown, true);
  assert.ok(render(validateObject(k, { ...obj, spec: { image: 'x', cronSpec: '* * * * *', replicas: 11 } })).some((e) => e.startsWith('spec.replicas: Invalid value: 11')));
});

test('several versions: each non-storage version converts to and from the storage one by apiVersion', () => {
  const def = crd();
  const v1 = def.spec!.versions![0]!;
  def.spec!.versions = [{ ...v1, name: 'v1beta1', storage: false }, v1];
  const [beta, stable] = kindSpecsFromCRD(def);
  assert.equal(stable!.conversion, undefined, 'the storage version converts nothing');
  assert.equal(beta!.conversion?.storage, stable);
  const stored = beta!.conversion!.toStorage({ ...cr(), apiVersion: 'stable.example.com/v1beta1' });
  assert.equal(stored.apiVersion, 'stable.example.com/v1');
  assert.equal(beta!.conversion!.fromStorage(stored).apiVersion, 'stable.example.com/v1beta1');
  const registry = new Registry();
  for (const k of kindSpecsFromCRD(def)) registry.add(k);
  assert.equal(registry.isConversionTarget(registry.byGroupVersionResource('stable.example.com', 'v1', 'crontabs')!), true);
});
