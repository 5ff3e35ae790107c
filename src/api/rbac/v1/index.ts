import type { KindSpec } from '../../schema/dsl.js';
import { ClusterRoleKind, RoleKind } from './role.js';
import { ClusterRoleBindingKind, RoleBindingKind } from './role-binding.js';

export * from './policy-rule.js';
export * from './role.js';
export * from './role-binding.js';

/** Every rbac.authorization.k8s.io/v1 kind, in the order discovery lists them. */
export const rbacV1Kinds: readonly KindSpec[] = [ClusterRoleBindingKind, ClusterRoleKind, RoleBindingKind, RoleKind];
