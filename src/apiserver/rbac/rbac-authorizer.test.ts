import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthorizationAttributes } from '../authz/authorizer.js';
import { nodeRbacAuthorizer } from '../authz/chain.js';
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from './bootstrap-policy.js';
import type { Binding, PolicySource } from './policy-source.js';
import { rbacAuthorizer } from './rbac-authorizer.js';
import type { PolicyRule } from './rule-match.js';

/** An in-memory policy: the bootstrap defaults plus what a test adds. */
function policy(extra: { bindings?: Binding[]; roles?: Record<string, PolicyRule[]> } = {}): PolicySource {
  const clusterRoles = new Map(BOOTSTRAP_CLUSTER_ROLES.map((r) => [r.name, r.rules]));
  const defaults: Binding[] = BOOTSTRAP_CLUSTER_ROLE_BINDINGS.map((b) => ({ name: b.name, namespace: '', subjects: b.subjects, roleRef: { kind: 'ClusterRole', name: b.role } }));
  const bindings = [...defaults, ...(extra.bindings ?? [])];
  return {
    clusterRoleBindings: async () => bindings.filter((b) => b.namespace === ''),
    roleBindings: async (ns) => bindings.filter((b) => b.namespace === ns),
    clusterRoleRules: async (name) => clusterRoles.get(name),
    roleRules: async (ns, name) => extra.roles?.[`${ns}/${name}`],
  };
}

const sa = { name: 'system:serviceaccount:team:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'] };
const listPods = (namespace: string, user = sa): AuthorizationAttributes => ({ user, verb: 'list', resourceRequest: true, path: '', apiGroup: '', resource: 'pods', namespace });

describe('RBAC authorizer', () => {
  it('allows nothing but discovery and self-review to an unbound account', async () => {
    const authz = rbacAuthorizer(policy());
    assert.deepEqual(await authz.authorize(listPods('team')), { allowed: false, reason: '' });
    assert.equal((await authz.authorize({ user: sa, verb: 'get', resourceRequest: false, path: '/apis/apps/v1' })).allowed, true);
    const review = { user: sa, verb: 'create', resourceRequest: true, path: '', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' };
    assert.equal((await authz.authorize(review)).allowed, true);
  });

  it('a RoleBinding to a ClusterRole grants its rules in the binding\'s namespace only', async () => {
    const binding: Binding = { name: 'robot-view', namespace: 'team', subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'team' }], roleRef: { kind: 'ClusterRole', name: 'view' } };
    const authz = rbacAuthorizer(policy({ bindings: [binding] }));
    assert.deepEqual(await authz.authorize(listPods('team')), {
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "robot-view/team" of ClusterRole "view" to ServiceAccount "robot/team"',
    });
    assert.equal((await authz.authorize(listPods('other'))).allowed, false);
    assert.equal((await authz.authorize(listPods(''))).allowed, false, 'a RoleBinding never grants cluster-wide');
    assert.equal((await authz.authorize({ ...listPods('team'), resource: 'secrets' })).allowed, false, 'view does not read secrets');
    assert.equal((await authz.authorize({ ...listPods('team'), verb: 'create' })).allowed, false);
  });

  it('a RoleBinding to a Role; a missing role is reported in the reason', async () => {
    const rules: PolicyRule[] = [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] }];
    const bindings: Binding[] = [
      { name: 'cfg', namespace: 'team', subjects: [{ kind: 'Group', name: 'system:serviceaccounts:team' }], roleRef: { kind: 'Role', name: 'cfg-reader' } },
      { name: 'gone', namespace: 'team', subjects: [{ kind: 'User', name: sa.name }], roleRef: { kind: 'Role', name: 'missing' } },
    ];
    const authz = rbacAuthorizer(policy({ bindings, roles: { 'team/cfg-reader': rules } }));
    const get = { ...listPods('team'), verb: 'get', resource: 'configmaps', name: 'settings' };
    assert.equal((await authz.authorize(get)).allowed, true);
    assert.deepEqual(await authz.authorize({ ...get, name: 'other' }), { allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found' });
  });

  it('ClusterRoleBindings apply in every namespace and at cluster scope', async () => {
    const binding: Binding = { name: 'robot-edit', namespace: '', subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'team' }], roleRef: { kind: 'ClusterRole', name: 'edit' } };
    const authz = rbacAuthorizer(policy({ bindings: [binding] }));
    const createDeployment = { ...listPods('elsewhere'), verb: 'create', apiGroup: 'apps', resource: 'deployments' };
    assert.equal((await authz.authorize(createDeployment)).allowed, true);
    assert.equal((await authz.authorize({ ...listPods('x'), verb: 'create', subresource: 'exec' })).allowed, true);
    assert.equal((await authz.authorize({ ...listPods('x'), verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings' })).allowed, false, 'edit cannot grant');
  });

  it('lists the rules behind its decisions (SelfSubjectRulesReview)', async () => {
    const binding: Binding = { name: 'b', namespace: 'team', subjects: [{ kind: 'ServiceAccount', name: 'robot' }], roleRef: { kind: 'ClusterRole', name: 'view' } };
    const authz = rbacAuthorizer(policy({ bindings: [binding] }));
    const inTeam = await authz.rulesFor!(sa, 'team');
    assert.ok(inTeam.resourceRules.some((r) => r.resources?.includes('pods') && r.verbs.includes('list')));
    assert.ok(inTeam.nonResourceRules.some((r) => r.nonResourceURLs?.includes('/api/*')));
    const elsewhere = await authz.rulesFor!(sa, 'other');
    assert.ok(!elsewhere.resourceRules.some((r) => r.resources?.includes('pods')));
    assert.equal(elsewhere.incomplete, false);
  });

  it('the chain: system:masters and system:nodes first, then RBAC', async () => {
    const chain = nodeRbacAuthorizer(rbacAuthorizer(policy()));
    assert.equal((await chain.authorize(listPods('team', { name: 'admin', groups: ['system:masters'] }))).allowed, true);
    assert.equal((await chain.authorize(listPods('team', { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] }))).allowed, true);
    assert.equal((await chain.authorize(listPods('team'))).allowed, false);
    assert.deepEqual((await chain.rulesFor!({ name: 'admin', groups: ['system:masters'] }, 'x')).resourceRules, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
  });
});
