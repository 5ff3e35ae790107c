import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterRoleBindingKind, ClusterRoleKind, RoleBindingKind, RoleKind, type RoleBinding } from './index.js';
import { applySchemaDefaults, render, validateWithHooks } from '../../meta/v1/testing/schema-hooks.js';
import { applyDefaults, validateObject } from '../../schema/index.js';

const now = new Date('2026-01-01T01:00:00Z');
const created = { creationTimestamp: '2026-01-01T00:00:00Z' };

const role = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'pod-reader', namespace: 'default', ...created },
  rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'watch', 'list'] }],
};

const binding = (): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'read-pods', namespace: 'default', ...created },
  subjects: [
    { kind: 'User', name: 'jane' },
    { kind: 'Group', name: 'devs' },
    { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
  ],
  roleRef: { kind: 'Role', name: 'pod-reader' },
});

test('Role and ClusterRole: realistic manifests are valid', () => {
  assert.deepEqual(validateWithHooks(RoleKind, role), []);
  assert.deepEqual(validateObject(RoleKind, role), []);
  assert.deepEqual(validateObject(ClusterRoleKind, { metadata: { name: 'system:aggregate-to-view' }, rules: [] }), [], 'colons allowed in RBAC names');
  const cr = {
    metadata: { name: 'monitoring' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
    rules: [{ nonResourceURLs: ['/metrics', '/healthz*'], verbs: ['get'] }],
  };
  assert.deepEqual(validateWithHooks(ClusterRoleKind, cr), []);
});

test('policy rules: upstream messages', () => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ apiGroups: [''], resources: ['pods'], verbs: [] }, ['rules[0].verbs: Required value: verbs must contain at least one value']],
    [{ verbs: ['get'] }, [
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
    ]],
    [{ verbs: ['get'], nonResourceURLs: ['/x'] }, ['rules[0].nonResourceURLs: Invalid value: ["/x"]: namespaced rules cannot apply to non-resource URLs']],
  ];
  for (const [rule, want] of cases) assert.deepEqual(render(validateWithHooks(RoleKind, { metadata: { name: 'r' }, rules: [rule] })), want);
  assert.deepEqual(render(validateWithHooks(ClusterRoleKind, { metadata: { name: 'c' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['pods'] }] })), [
    'rules[0].nonResourceURLs: Invalid value: ["/x"]: rules cannot apply to both regular resources and non-resource URLs',
  ]);
  assert.deepEqual(render(validateWithHooks(ClusterRoleKind, { metadata: { name: 'c' }, aggregationRule: {} })), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
});

test('RoleBinding: defaults apiGroups, validates, roleRef cannot change', () => {
  const b = applySchemaDefaults(RoleBindingKind.schema, binding());
  assert.equal(b.roleRef?.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(b.subjects?.[0]?.apiGroup, 'rbac.authorization.k8s.io');
  assert.equal(b.subjects?.[2]?.apiGroup, undefined);
  assert.deepEqual(validateWithHooks(RoleBindingKind, b), []);
  const viaEngine = binding() as Record<string, unknown>;
  applyDefaults(RoleBindingKind, viaEngine);
  assert.deepEqual(viaEngine, b as unknown, 'engine defaults match');
  assert.deepEqual(validateObject(RoleBindingKind, viaEngine), []);
  assert.equal(validateObject(RoleBindingKind, { ...b, roleRef: { ...b.roleRef, name: 'other' } }, b).length, 1);

  const changed = structuredClone(b);
  changed.roleRef = { ...changed.roleRef, name: 'admin', kind: 'ClusterRole' };
  assert.deepEqual(render(validateWithHooks(RoleBindingKind, changed, b)), [
    'roleRef: Invalid value: {"kind":"ClusterRole","name":"admin","apiGroup":"rbac.authorization.k8s.io"}: cannot change roleRef',
  ]);
  const sameRef = structuredClone(b);
  sameRef.subjects = [];
  assert.deepEqual(validateWithHooks(RoleBindingKind, sameRef, b), [], 'subjects may change');
});

test('bindings: invalid subjects and refs', () => {
  const bad = applySchemaDefaults(RoleBindingKind.schema, binding());
  bad.subjects = [{ kind: 'Robot', name: 'r2' }, { kind: 'ServiceAccount', name: '', apiGroup: 'x' }];
  bad.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Policy', name: 'p' };
  assert.deepEqual(render(validateWithHooks(RoleBindingKind, bad)), [
    'roleRef.kind: Unsupported value: "Policy": supported values: "Role", "ClusterRole"',
    'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    'subjects[1].name: Required value',
    'subjects[1].apiGroup: Unsupported value: "x": supported values: ""',
  ]);
  const crb = applySchemaDefaults(ClusterRoleBindingKind.schema, {
    metadata: { name: 'x' },
    roleRef: { kind: 'Role', name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 'sa' }],
  });
  assert.deepEqual(render(validateWithHooks(ClusterRoleBindingKind, crb)), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
  ]);
});

test('printer columns', () => {
  const cells = (cols: readonly { value: (o: never, now: Date) => unknown; priority?: number; name: string }[], o: unknown) =>
    Object.fromEntries(cols.map((c) => [c.name, c.value(o as never, now)]));
  assert.deepEqual(cells(RoleBindingKind.printerColumns, binding()), {
    Role: 'Role/pod-reader',
    Age: '2026-01-01T00:00:00Z',
    Users: 'jane',
    Groups: 'devs',
    ServiceAccounts: 'ci/builder',
  });
  assert.deepEqual(RoleBindingKind.printerColumns.map((c) => c.priority ?? 0), [0, 0, 1, 1, 1]);
  assert.deepEqual(cells(RoleKind.printerColumns, role), { 'Created At': '2026-01-01T00:00:00Z' });
  assert.deepEqual(cells(ClusterRoleBindingKind.printerColumns, { roleRef: { kind: 'ClusterRole', name: 'admin' } }).Role, 'ClusterRole/admin');
});

test('protobuf numbers and scopes', () => {
  assert.equal(ClusterRoleKind.schema.fields.aggregationRule?.proto, 3);
  assert.equal(RoleBindingKind.schema.fields.roleRef?.proto, 3);
  assert.equal(RoleBindingKind.schema.fields.subjects?.proto, 2);
  assert.equal(RoleKind.namespaced, true);
  assert.equal(ClusterRoleKind.namespaced, false);
});
