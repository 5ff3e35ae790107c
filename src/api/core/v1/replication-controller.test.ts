import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationControllerKind, coreV1Kinds, type ReplicationController } from './index.js';
import { renderFieldError } from '../../../machinery/field-errors.js';
import type { SchemaFieldError } from '../../schema/dsl.js';
import { applyDefaults, decodeObject, encodeObject, toTable, validateObject } from '../../schema/index.js';

/** The causes as kube-apiserver words them (`field: Type: value: detail`). */
const render = (errs: readonly SchemaFieldError[]): string[] => errs.map(renderFieldError);

const now = new Date('2026-01-01T01:00:00Z');

/** An RC as people write it: no selector, the template's labels say what it runs. */
const rc = (): ReplicationController => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    replicas: 3,
    template: {
      metadata: { labels: { app: 'web', tier: 'front' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }, { name: 'log', image: 'busybox' }] },
    },
  },
});

function defaulted(o: ReplicationController): ReplicationController {
  applyDefaults(ReplicationControllerKind, o as Record<string, unknown>);
  return o;
}

test('ReplicationController: selector and object labels default to the template labels; replicas to 1', () => {
  const o = defaulted(rc());
  assert.deepEqual(o.spec?.selector, { app: 'web', tier: 'front' });
  assert.deepEqual(o.metadata?.labels, { app: 'web', tier: 'front' });
  assert.equal(o.spec?.replicas, 3);
  assert.equal(o.spec?.template?.spec?.restartPolicy, 'Always'); // the PodSpec defaults apply to the template
  // Copies, not the template's map: changing one does not change the others.
  Object.assign(o.spec!.selector!, { x: 'y' });
  assert.deepEqual(o.spec?.template?.metadata?.labels, { app: 'web', tier: 'front' });
  assert.deepEqual(defaulted(structuredClone(o)), o, 'defaulting is idempotent');

  const given = rc();
  given.spec!.selector = { app: 'web' };
  given.metadata!.labels = { owner: 'me' };
  delete given.spec!.replicas;
  const g = defaulted(given);
  assert.deepEqual(g.spec?.selector, { app: 'web' });
  assert.deepEqual(g.metadata?.labels, { owner: 'me' });
  assert.equal(g.spec?.replicas, 1);

  const zero = rc();
  zero.spec!.replicas = 0;
  assert.equal(defaulted(zero).spec?.replicas, 0);

  const unlabelled = rc();
  delete unlabelled.spec!.template!.metadata;
  const u = defaulted(unlabelled);
  assert.equal(u.spec?.selector, undefined);
  assert.equal(u.metadata?.labels, undefined);
});

test('ReplicationController: a defaulted manifest is valid; upstream’s spec rules and messages', () => {
  assert.deepEqual(render(validateObject(ReplicationControllerKind, defaulted(rc()))), []);
  const cases: Array<[string, (o: ReplicationController) => void, string[]]> = [
    ['no selector, no labels', (o) => {
      delete o.spec!.selector;
      o.spec!.template!.metadata = {};
    }, ['spec.selector: Required value']],
    ['no template', (o) => delete o.spec!.template, ['spec.template: Required value']],
    ['mismatch', (o) => (o.spec!.selector = { app: 'db' }), [
      'spec.template.metadata.labels: Invalid value: {"app":"web","tier":"front"}: `selector` does not match template `labels`',
    ]],
    ['restartPolicy', (o) => (o.spec!.template!.spec!.restartPolicy = 'OnFailure'), [
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]],
    ['activeDeadlineSeconds', (o) => (o.spec!.template!.spec!.activeDeadlineSeconds = 30), [
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
    ]],
    ['negative counts', (o) => {
      o.spec!.replicas = -1;
      o.spec!.minReadySeconds = -5;
    }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0', 'spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0']],
    ['status beyond replicas', (o) => (o.status = { replicas: 1, readyReplicas: 2, availableReplicas: 3 }), [
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
    ]],
  ];
  for (const [name, mutate, want] of cases) {
    const o = defaulted(rc());
    mutate(o);
    assert.deepEqual(render(validateObject(ReplicationControllerKind, o)), want, name);
  }
});

test('ReplicationController: kubectl get columns and cells (DESIRED CURRENT READY AGE; wide CONTAINERS IMAGES SELECTOR)', () => {
  const o = defaulted(rc());
  o.status = { replicas: 2, readyReplicas: 1 };
  const table = toTable(ReplicationControllerKind, [o], { now }) as {
    columnDefinitions: Array<{ name: string; type: string; priority: number }>;
    rows: Array<{ cells: unknown[] }>;
  };
  assert.deepEqual(
    table.columnDefinitions.map((c) => `${c.name}:${c.type}:${c.priority}`),
    ['Name:string:0', 'Desired:integer:0', 'Current:integer:0', 'Ready:integer:0', 'Age:string:0', 'Containers:string:1', 'Images:string:1', 'Selector:string:1'],
  );
  assert.deepEqual(table.rows[0]?.cells, ['web', 3, 2, 1, '60m', 'nginx,log', 'nginx:1.27,busybox', 'app=web,tier=front']);
  const bare = toTable(ReplicationControllerKind, [{ metadata: { name: 'bare' } }], { now }) as { rows: Array<{ cells: unknown[] }> };
  assert.deepEqual(bare.rows[0]?.cells, ['bare', 0, 0, 0, '<unknown>', '', '', '<none>']);
  assert.equal(ReplicationControllerKind.fieldSelectors?.['status.replicas']?.(o), '2');
});

test('ReplicationController: discovery facts and protobuf field numbers (k8s.io/api core/v1 generated.proto)', () => {
  assert.deepEqual(ReplicationControllerKind.shortNames, ['rc']);
  assert.deepEqual(ReplicationControllerKind.categories, ['all']);
  assert.deepEqual(ReplicationControllerKind.subresources, { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } });
  const plurals = coreV1Kinds.map((k) => k.plural);
  assert.equal(plurals[plurals.indexOf('podtemplates') + 1], 'replicationcontrollers');
  const fields = (name: 'spec' | 'status') => {
    const type = ReplicationControllerKind.schema.fields[name]?.type;
    assert.ok(type?.kind === 'object');
    return Object.fromEntries(Object.entries(type.ref().fields).map(([k, v]) => [k, v.proto]));
  };
  assert.deepEqual(fields('spec'), { replicas: 1, minReadySeconds: 4, selector: 2, template: 3 });
  assert.deepEqual(fields('status'), { replicas: 1, fullyLabeledReplicas: 2, readyReplicas: 4, availableReplicas: 5, observedGeneration: 3, conditions: 6 });

  // spec.replicas: 0 is a pointer's explicit zero and survives the round trip.
  const o = defaulted(rc());
  o.spec!.replicas = 0;
  const back = decodeObject(ReplicationControllerKind, encodeObject(ReplicationControllerKind, o)) as ReplicationController;
  assert.equal(back.spec?.replicas, 0);
  assert.deepEqual(back.spec?.selector, o.spec?.selector);
});
