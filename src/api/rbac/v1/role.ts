import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { LabelSelectorSchema, ObjectMetaSchema, createdAtColumn, fieldError } from '../../meta/v1/index.js';
import { PolicyRuleSchema, validatePolicyRule } from './policy-rule.js';

export const RoleSchema = object('Role', 'A set of permissions within one namespace.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  rules: f(2, t.list(t.object(() => PolicyRuleSchema)), 'The permissions granted.'),
});
export type Role = Infer<typeof RoleSchema>;

export const AggregationRuleSchema = object('AggregationRule', 'Builds a ClusterRole’s rules from other ClusterRoles.', {
  clusterRoleSelectors: f(1, t.list(t.object(() => LabelSelectorSchema)), 'ClusterRoles matching any selector contribute their rules.'),
});

export const ClusterRoleSchema = object('ClusterRole', 'A set of permissions across the cluster, or for binding in namespaces.', {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  rules: f(2, t.list(t.object(() => PolicyRuleSchema)), 'The permissions granted; managed by a controller when aggregationRule is set.'),
  aggregationRule: f(3, t.object(() => AggregationRuleSchema), 'Selects ClusterRoles whose rules are merged into this one.'),
});
export type ClusterRole = Infer<typeof ClusterRoleSchema>;

export const RoleKind = kind<Role>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  schema: RoleSchema,
  nameFormat: 'path-segment',
  protoName: 'k8s.io.api.rbac.v1.Role',
  validate: (r) => (r.rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, true, `rules[${i}]`)),
  printerColumns: [createdAtColumn()],
});

export const ClusterRoleKind = kind<ClusterRole>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  schema: ClusterRoleSchema,
  nameFormat: 'path-segment',
  protoName: 'k8s.io.api.rbac.v1.ClusterRole',
  validate: (r) => {
    const errs: SchemaFieldError[] = (r.rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, false, `rules[${i}]`));
    if (r.aggregationRule && (r.aggregationRule.clusterRoleSelectors ?? []).length === 0) {
      errs.push(fieldError.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    return errs;
  },
  printerColumns: [createdAtColumn()],
});
