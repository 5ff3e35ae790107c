import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeploymentKind, type Deployment } from './index.js';
import { sampleTemplate } from './testdata.js';
import { render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, toTable, validateObject } from '../../schema/index.js';

const manifest = (): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: sampleTemplate('web') },
});

const defaulted = (d: Deployment = manifest()): Deployment => {
  applyDefaults(DeploymentKind, d as Record<string, unknown>);
  return d;
};

test('Deployment: Kubernetes defaults', () => {
  const d = defaulted({ ...manifest(), spec: { selector: { matchLabels: { app: 'web' } }, template: sampleTemplate() } });
  assert.equal(d.spec?.replicas, 1);
  assert.deepEqual(d.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec?.revisionHistoryLimit, 10);
  assert.equal(d.spec?.progressDeadlineSeconds, 600);
  const recreate = defaulted({ ...manifest(), spec: { ...manifest().spec, strategy: { type: 'Recreate' } } });
  assert.deepEqual(recreate.spec?.strategy, { type: 'Recreate' }, 'no rollingUpdate defaulted for Recreate');
  const zero = defaulted({ ...manifest(), spec: { ...manifest().spec, replicas: 0 } });
  assert.equal(zero.spec?.replicas, 0, 'explicit zero kept');
});

test('Deployment: a realistic manifest is valid (hooks and engine)', () => {
  const d = defaulted();
  assert.deepEqual(validateWithHooks(DeploymentKind, d), []);
  assert.deepEqual(render(validateObject(DeploymentKind, d)), []);
});

test('Deployment: invalid specs get upstream field paths and messages', () => {
  type Spec = NonNullable<Deployment['spec']>;
  const cases: Array<[string, (s: Spec) => void, string[]]> = [
    ['selector/labels mismatch', (s) => (s.selector = { matchLabels: { app: 'api' } }), [
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]],
    ['empty selector', (s) => (s.selector = {}), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
    ['missing selector', (s) => delete s.selector, ['spec.selector: Required value']],
    ['negative replicas', (s) => (s.replicas = -1), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['surge and unavailable both 0', (s) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
    ]],
    ['maxUnavailable over 100%', (s) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '101%' } }), [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "101%": must not be greater than 100%',
    ]],
    ['Recreate with rollingUpdate', (s) => (s.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }), [
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]],
    ['restartPolicy Never', (s) => (s.template!.spec!.restartPolicy = 'Never'), [
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]],
    ['progress deadline not above minReady', (s) => {
      s.minReadySeconds = 30;
      s.progressDeadlineSeconds = 30;
    }, ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds']],
  ];
  for (const [name, mutate, want] of cases) {
    const d = defaulted();
    mutate(d.spec!);
    assert.deepEqual(render(validateWithHooks(DeploymentKind, d)), want, name);
    const viaEngine = render(validateObject(DeploymentKind, d));
    for (const w of want) assert.ok(viaEngine.includes(w), `${name}: engine reports ${w}\n got ${JSON.stringify(viaEngine)}`);
  }
});

test('Deployment: selector is immutable, replicas are not', () => {
  const old = defaulted();
  const moved = structuredClone(old);
  moved.spec!.selector = { matchLabels: { app: 'web', tier: 'front' } };
  moved.spec!.template!.metadata!.labels = { app: 'web', tier: 'front' };
  assert.deepEqual(render(validateObject(DeploymentKind, moved, old)), [
    'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: field is immutable',
  ]);
  const scaled = structuredClone(old);
  scaled.spec!.replicas = 5;
  assert.deepEqual(validateObject(DeploymentKind, scaled, old), []);
});

test('Deployment: kubectl get columns', () => {
  const d = defaulted();
  d.status = { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 };
  const table = toTable(DeploymentKind, [d], { now: new Date('2026-01-01T00:10:00Z') }) as {
    columnDefinitions: Array<{ name: string; priority: number }>;
    rows: Array<{ cells: unknown[] }>;
  };
  assert.deepEqual(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`), [
    'Name:0', 'Ready:0', 'Up-to-date:0', 'Available:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1',
  ]);
  assert.deepEqual(table.rows[0]?.cells, ['web', '2/3', 3, 2, '10m', 'nginx', 'nginx:1.25', 'app=web']);
});

test('Deployment: wire, patch and subresource facts', () => {
  const spec = DeploymentKind.schema.fields.spec?.type;
  assert.ok(spec?.kind === 'object');
  const sf = spec.ref().fields;
  assert.deepEqual(
    ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'].map((k) => sf[k]?.proto),
    [1, 2, 3, 4, 5, 6, 7, 9],
  );
  assert.deepEqual(sf.strategy?.patchStrategy, ['retainKeys']);
  const status = DeploymentKind.schema.fields.status?.type;
  assert.ok(status?.kind === 'object');
  assert.equal(status.ref().fields.conditions?.patchMergeKey, 'type');
  assert.equal(status.ref().fields.readyReplicas?.proto, 7);
  assert.deepEqual(DeploymentKind.subresources?.scale, { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' });
  assert.deepEqual(DeploymentKind.shortNames, ['deploy']);
});

test('Deployment: protobuf round trip keeps explicit zeros and int-or-string', async () => {
  const { decodeObject, encodeObject } = await import('../../schema/index.js');
  const d = defaulted({ ...manifest(), spec: { ...manifest().spec, replicas: 0, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '0%' } } } });
  const back = decodeObject(DeploymentKind, encodeObject(DeploymentKind, d as Record<string, unknown>)) as Deployment;
  assert.equal(back.spec?.replicas, 0);
  assert.deepEqual(back.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '0%' } });
  assert.deepEqual(back.spec?.selector, d.spec?.selector);
  assert.equal(back.spec?.template?.spec?.containers?.[0]?.image, 'nginx:1.25');
});
