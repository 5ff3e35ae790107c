import { f, kind, object, t, type Infer, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema, ageColumn, fieldError } from '../../meta/v1/index.js';
import { rbacGroup } from './policy-rule.js';

export const SubjectSchema = object(
  'Subject',
  'Who a binding grants to: a User, a Group or a ServiceAccount.',
  {
    kind: f(1, t.string(), 'User, Group or ServiceAccount.', { required: true }),
    apiGroup: f(2, t.string(), 'rbac.authorization.k8s.io for User and Group, "" for ServiceAccount (defaulted).'),
    name: f(3, t.string(), 'Name of the user, group or service account.', { required: true }),
    namespace: f(4, t.string(), 'Namespace of a ServiceAccount subject.'),
  },
  {
    applyDefaults: (s) => {
      if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = rbacGroup;
    },
  },
);
export type Subject = Infer<typeof SubjectSchema>;

export const RoleRefSchema = object('RoleRef', 'The Role or ClusterRole a binding grants.', {
  apiGroup: f(1, t.string(), 'Always rbac.authorization.k8s.io.', { required: true }),
  kind: f(2, t.string(), 'Role or ClusterRole.', { required: true }),
  name: f(3, t.string(), 'Name of the role.', { required: true }),
});
export type RoleRef = Infer<typeof RoleRefSchema>;

const bindingFields = {
  apiVersion: f(0, t.string(), 'The versioned schema of this object.'),
  kind: f(0, t.string(), 'The kind of this object.'),
  metadata: f(1, t.object(() => ObjectMetaSchema), 'Standard object metadata.'),
  subjects: f(2, t.list(t.object(() => SubjectSchema)), 'Who is granted the role.'),
  roleRef: f(3, t.object(() => RoleRefSchema), 'The role granted; cannot be changed after creation.', { required: true }),
};

export const RoleBindingSchema = object('RoleBinding', 'Grants a Role or ClusterRole within one namespace.', bindingFields, {
  applyDefaults: (b) => {
    if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = rbacGroup;
  },
});
export type RoleBinding = Infer<typeof RoleBindingSchema>;

export const ClusterRoleBindingSchema = object('ClusterRoleBinding', 'Grants a ClusterRole across the cluster.', bindingFields, {
  applyDefaults: (b) => {
    if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = rbacGroup;
  },
});
export type ClusterRoleBinding = Infer<typeof ClusterRoleBindingSchema>;

/** ValidateRoleBindingSubject. */
export function validateSubject(s: Subject, namespaced: boolean, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if (!s.name) errs.push(fieldError.required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.apiGroup) errs.push(fieldError.notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(fieldError.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== rbacGroup) errs.push(fieldError.notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(fieldError.notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

type Binding = { roleRef?: RoleRef; subjects?: Subject[] };

function validateBinding(b: Binding, old: Binding | undefined, namespaced: boolean): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const ref = b.roleRef ?? {};
  if (ref.apiGroup !== rbacGroup) errs.push(fieldError.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) errs.push(fieldError.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(fieldError.required('roleRef.name'));
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  if (old?.roleRef) {
    const o = old.roleRef;
    if (o.apiGroup !== ref.apiGroup || o.kind !== ref.kind || o.name !== ref.name) {
      errs.push(fieldError.invalid('roleRef', b.roleRef, 'cannot change roleRef'));
    }
  }
  return errs;
}

/** rbac.SubjectsStrings: user names, group names, and namespace/name of service accounts. */
export function subjectsStrings(subjects: readonly Subject[] | undefined): { users: string; groups: string; serviceAccounts: string } {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'User') users.push(s.name ?? '');
    else if (s.kind === 'Group') groups.push(s.name ?? '');
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
  }
  return { users: users.join(', '), groups: groups.join(', '), serviceAccounts: sas.join(', ') };
}

function bindingColumns<O extends Binding & { metadata?: { creationTimestamp?: string } }>() {
  return [
    { name: 'Role', type: 'string' as const, description: 'The role granted, as Kind/name.', value: (b: O) => `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}` },
    ageColumn<O>(),
    { name: 'Users', type: 'string' as const, priority: 1, description: 'Users bound.', value: (b: O) => subjectsStrings(b.subjects).users },
    { name: 'Groups', type: 'string' as const, priority: 1, description: 'Groups bound.', value: (b: O) => subjectsStrings(b.subjects).groups },
    {
      name: 'ServiceAccounts',
      type: 'string' as const,
      priority: 1,
      description: 'Service accounts bound.',
      value: (b: O) => subjectsStrings(b.subjects).serviceAccounts,
    },
  ];
}

export const RoleBindingKind = kind<RoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  schema: RoleBindingSchema,
  nameFormat: 'path-segment',
  protoName: 'k8s.io.api.rbac.v1.RoleBinding',
  validate: (b, old) => validateBinding(b, old, true),
  printerColumns: bindingColumns<RoleBinding>(),
});

export const ClusterRoleBindingKind = kind<ClusterRoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  schema: ClusterRoleBindingSchema,
  nameFormat: 'path-segment',
  protoName: 'k8s.io.api.rbac.v1.ClusterRoleBinding',
  validate: (b, old) => validateBinding(b, old, false),
  printerColumns: bindingColumns<ClusterRoleBinding>(),
});
