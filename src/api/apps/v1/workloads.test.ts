import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ControllerRevisionKind,
  DaemonSetKind,
  ReplicaSetKind,
  StatefulSetKind,
  appsV1Kinds,
  type DaemonSet,
  type ReplicaSet,
  type StatefulSet,
} from './index.js';
import { sampleTemplate } from './testdata.js';
import { render } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, toTable, validateObject } from '../../schema/index.js';
import type { KindSpec } from '../../schema/dsl.js';

const now = new Date('2026-01-01T01:00:00Z');
const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' });
function defaulted<T>(spec: KindSpec<T>, o: T): T {
  applyDefaults(spec, o as Record<string, unknown>);
  return o;
}
const cells = (spec: KindSpec, o: unknown) => (toTable(spec, [o as object], { now }) as { rows: Array<{ cells: unknown[] }> }).rows[0]?.cells;
const columns = (spec: KindSpec) => (toTable(spec, []) as { columnDefinitions: Array<{ name: string; priority: number }> }).columnDefinitions.map((c) => `${c.name}:${c.priority}`);

const rs = (): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { ...meta('web-7d4b9c'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u1', controller: true }] },
  spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c' } }, template: { ...sampleTemplate(), metadata: { labels: { app: 'web', 'pod-template-hash': '7d4b9c' } } } },
});

test('ReplicaSet: defaults, validity, selector rules, printer', () => {
  const o = defaulted(ReplicaSetKind, rs());
  assert.equal(o.spec?.replicas, 1);
  assert.deepEqual(render(validateObject(ReplicaSetKind, o)), []);
  const bad = structuredClone(o);
  bad.spec!.selector = {};
  assert.deepEqual(render(validateObject(ReplicaSetKind, bad)), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
  const moved = structuredClone(o);
  moved.spec!.selector = { matchLabels: { app: 'web' } };
  assert.deepEqual(render(validateObject(ReplicaSetKind, moved, o)), ['spec.selector: Invalid value: {"matchLabels":{"app":"web"}}: field is immutable']);
  o.status = { replicas: 1, readyReplicas: 1 };
  assert.deepEqual(columns(ReplicaSetKind), ['Name:0', 'Desired:0', 'Current:0', 'Ready:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1']);
  assert.deepEqual(cells(ReplicaSetKind, o), ['web-7d4b9c', 1, 1, 1, '60m', 'nginx', 'nginx:1.25', 'app=web,pod-template-hash=7d4b9c']);
  assert.equal(ReplicaSetKind.fieldSelectors?.['status.replicas']?.(o), '1');
});

const sts = (): StatefulSet => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: meta('db'),
  spec: {
    serviceName: 'db',
    replicas: 3,
    selector: { matchLabels: { app: 'db' } },
    template: sampleTemplate('db'),
    volumeClaimTemplates: [
      { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    ],
  },
});

test('StatefulSet: defaults and a realistic manifest', () => {
  const o = defaulted(StatefulSetKind, sts());
  assert.equal(o.spec?.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(o.spec?.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.equal(o.spec?.revisionHistoryLimit, 10);
  assert.deepEqual(o.spec?.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.deepEqual(render(validateObject(StatefulSetKind, o)), []);
  const onDelete = defaulted(StatefulSetKind, { ...sts(), spec: { ...sts().spec, updateStrategy: { type: 'OnDelete' } } });
  assert.deepEqual(onDelete.spec?.updateStrategy, { type: 'OnDelete' });
});

test('StatefulSet: invalid specs and forbidden updates', () => {
  const o = defaulted(StatefulSetKind, sts());
  const cases: Array<[string, (s: StatefulSet) => void, string[]]> = [
    ['mismatch', (s) => (s.spec!.template!.metadata!.labels = { app: 'web' }), [
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]],
    ['empty selector', (s) => (s.spec!.selector = {}), ['spec.selector: Invalid value: {}: empty selector is invalid for statefulset']],
    ['negative partition', (s) => (s.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }), [
      'spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['OnDelete with rollingUpdate', (s) => (s.spec!.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } }), [
      'spec.updateStrategy.rollingUpdate: Invalid value: {"partition":1}: only allowed for updateStrategy \'RollingUpdate\'',
    ]],
    ['negative ordinal start', (s) => (s.spec!.ordinals = { start: -2 }), ['spec.ordinals.start: Invalid value: -2: must be greater than or equal to 0']],
  ];
  for (const [name, mutate, want] of cases) {
    const c = structuredClone(o);
    mutate(c);
    assert.deepEqual(render(validateObject(StatefulSetKind, c)), want, name);
  }
  const upd = structuredClone(o);
  upd.spec!.replicas = 5;
  upd.spec!.template!.spec!.containers![0]!.image = 'nginx:1.26';
  assert.deepEqual(validateObject(StatefulSetKind, upd, o), [], 'replicas and template may change');
  const reselected = structuredClone(o);
  reselected.spec!.selector = { matchLabels: { app: 'db', v: '2' } };
  reselected.spec!.template!.metadata!.labels = { app: 'db', v: '2' };
  assert.match(render(validateObject(StatefulSetKind, reselected, o))[0] ?? '', /^spec: Forbidden: updates to statefulset spec for fields other than/);
  const renamed = structuredClone(o);
  renamed.spec!.serviceName = 'other';
  assert.deepEqual(render(validateObject(StatefulSetKind, renamed, o)), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('StatefulSet: template mounts may name claim templates (the controller adds those volumes); other workloads and names still need a volume', () => {
  const mounting = (names: string[]): StatefulSet => {
    const s = defaulted(StatefulSetKind, sts());
    s.spec!.template!.spec!.containers![0]!.volumeMounts = names.map((name) => ({ name, mountPath: `/${name}` }));
    s.spec!.template!.spec!.volumes = [{ name: 'cfg', configMap: { name: 'db-config' } }];
    return s;
  };
  assert.deepEqual(render(validateObject(StatefulSetKind, mounting(['data', 'cfg']))), [], 'a claim template and a volume');
  assert.deepEqual(render(validateObject(StatefulSetKind, mounting(['data', 'nope']))), ['spec.template.spec.containers[0].volumeMounts[1].name: FieldValueNotFound: "nope"']);
  const noClaims = mounting(['data']);
  delete noClaims.spec!.volumeClaimTemplates;
  assert.deepEqual(render(validateObject(StatefulSetKind, noClaims)), ['spec.template.spec.containers[0].volumeMounts[0].name: FieldValueNotFound: "data"']);
  const upd = mounting(['data']);
  upd.spec!.template!.spec!.containers![0]!.image = 'nginx:1.26';
  assert.deepEqual(render(validateObject(StatefulSetKind, upd, mounting(['data']))), [], 'on update too');
  // Claim templates are a StatefulSet's alone: a ReplicaSet's template gets no such names.
  const r = defaulted(ReplicaSetKind, rs());
  r.spec!.template!.spec!.containers![0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  assert.deepEqual(render(validateObject(ReplicaSetKind, r)), ['spec.template.spec.containers[0].volumeMounts[0].name: FieldValueNotFound: "data"']);
});

test('StatefulSet: printer and wire facts', () => {
  const o = defaulted(StatefulSetKind, sts());
  o.status = { replicas: 3, readyReplicas: 2 };
  assert.deepEqual(columns(StatefulSetKind), ['Name:0', 'Ready:0', 'Age:0', 'Containers:1', 'Images:1']);
  assert.deepEqual(cells(StatefulSetKind, o), ['db', '2/3', '60m', 'nginx', 'nginx:1.25']);
  const spec = StatefulSetKind.schema.fields.spec?.type;
  assert.ok(spec?.kind === 'object');
  const f = spec.ref().fields;
  assert.deepEqual(
    ['replicas', 'selector', 'template', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy', 'updateStrategy', 'revisionHistoryLimit', 'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinals'].map((k) => f[k]?.proto),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
  assert.deepEqual(StatefulSetKind.shortNames, ['sts']);
  assert.ok(StatefulSetKind.subresources?.scale);
});

const ds = (): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: meta('node-agent'),
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { ...sampleTemplate('agent'), spec: { ...sampleTemplate('agent').spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } },
  },
});

test('DaemonSet: defaults, validity, rolling update rules, printer', () => {
  const o = defaulted(DaemonSetKind, ds());
  assert.deepEqual(o.spec?.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(o.spec?.revisionHistoryLimit, 10);
  assert.deepEqual(render(validateObject(DaemonSetKind, o)), []);
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ maxUnavailable: 0, maxSurge: 0 }, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    [{ maxUnavailable: 1, maxSurge: '10%' }, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "10%": may not be set when maxUnavailable is non-zero']],
  ];
  for (const [ru, want] of cases) {
    const c = structuredClone(o);
    c.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: ru };
    assert.deepEqual(render(validateObject(DaemonSetKind, c)), want);
  }
  const moved = structuredClone(o);
  moved.spec!.selector = { matchLabels: { app: 'agent', v: '2' } };
  moved.spec!.template!.metadata!.labels = { app: 'agent', v: '2' };
  assert.equal(render(validateObject(DaemonSetKind, moved, o))[0]?.endsWith('field is immutable'), true);
  o.status = { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 };
  assert.deepEqual(columns(DaemonSetKind), [
    'Name:0', 'Desired:0', 'Current:0', 'Ready:0', 'Up-to-date:0', 'Available:0', 'Node Selector:0', 'Age:0', 'Containers:1', 'Images:1', 'Selector:1',
  ]);
  assert.deepEqual(cells(DaemonSetKind, o), ['node-agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '60m', 'nginx', 'nginx:1.25', 'app=agent']);
});

test('ControllerRevision: revision, immutable data, controller column', () => {
  const cr = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { ...meta('db-6f8c7b'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u2', controller: true }] },
    data: { spec: { template: { $patch: 'replace' } } },
    revision: 2,
  };
  assert.deepEqual(validateObject(ControllerRevisionKind, cr), []);
  assert.deepEqual(render(validateObject(ControllerRevisionKind, { ...cr, data: { x: 1 } }, cr)), ['data: Invalid value: {"x":1}: field is immutable']);
  assert.deepEqual(render(validateObject(ControllerRevisionKind, { ...cr, revision: -1 })), ['revision: Invalid value: -1: must be greater than or equal to 0']);
  assert.deepEqual(cells(ControllerRevisionKind, cr), ['db-6f8c7b', 'statefulset.apps/db', 2, '60m']);
  assert.deepEqual(cells(ControllerRevisionKind, { ...cr, metadata: meta('x') }), ['x', '<none>', 2, '60m']);
});

test('apps/v1 discovery order', () => {
  assert.deepEqual(appsV1Kinds.map((k) => k.plural), ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets']);
});
