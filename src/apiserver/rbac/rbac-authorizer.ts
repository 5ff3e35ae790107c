/**
 * The RBAC authorizer, as upstream's (plugin/pkg/auth/authorizer/rbac): a request is
 * allowed when some binding whose subjects include the user refers to a role with a rule
 * that allows it. ClusterRoleBindings apply everywhere; RoleBindings only in their own
 * namespace — including those that refer to a ClusterRole, whose rules are then scoped
 * to that namespace. RBAC never denies outright: no match is "no opinion", which the
 * chain turns into a 403.
 */
import type { UserInfo } from '../types.js';
import type { AuthorizationAttributes, Authorizer, Decision, Rules } from '../authz/authorizer.js';
import { describeSubject, ruleAllows, subjectMatches, type PolicyRule } from './rule-match.js';
import type { Binding, PolicySource } from './policy-source.js';

/** One binding that applies to the user, with its role's rules (or why they are missing). */
interface Grant {
  binding: Binding;
  /** How upstream names it in an "allowed by" reason. */
  describe: string;
  rules: PolicyRule[];
}

/**
 * Visits the bindings that apply to `user` for a request in `namespace` ('' = cluster
 * scope): ClusterRoleBindings first, then the namespace's RoleBindings, as upstream.
 * A binding to a missing role contributes an error (upstream reports them in the reason).
 */
async function grantsFor(policy: PolicySource, user: UserInfo, namespace: string): Promise<{ grants: Grant[]; errors: string[] }> {
  const grants: Grant[] = [];
  const errors: string[] = [];
  const bindings = [...(await policy.clusterRoleBindings()), ...(namespace ? await policy.roleBindings(namespace) : [])];
  for (const binding of bindings) {
    const subject = binding.subjects.find((s) => subjectMatches(s, user, binding.namespace));
    if (!subject) continue;
    const { kind, name } = binding.roleRef;
    const rules = kind === 'ClusterRole' ? await policy.clusterRoleRules(name) : kind === 'Role' && binding.namespace ? await policy.roleRules(binding.namespace, name) : undefined;
    if (!rules) {
      errors.push(kind === 'ClusterRole' ? `clusterrole.rbac.authorization.k8s.io "${name}" not found` : `role.rbac.authorization.k8s.io "${name}" not found`);
      continue;
    }
    const what = binding.namespace ? `RoleBinding "${binding.name}/${binding.namespace}"` : `ClusterRoleBinding "${binding.name}"`;
    grants.push({ binding, rules, describe: `${what} of ${kind} "${name}" to ${describeSubject(subject, binding.namespace)}` });
  }
  return { grants, errors };
}

/** Builds the authorizer over `policy`; it holds no state of its own. */
export function rbacAuthorizer(policy: PolicySource): Authorizer {
  return {
    async authorize(a: AuthorizationAttributes): Promise<Decision> {
      const { grants, errors } = await grantsFor(policy, a.user, a.resourceRequest ? (a.namespace ?? '') : '');
      for (const g of grants) {
        if (g.rules.some((r) => ruleAllows(r, a))) return { allowed: true, reason: `RBAC: allowed by ${g.describe}` };
      }
      return { allowed: false, reason: errors.length ? `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` : '' };
    },
    async rulesFor(user: UserInfo, namespace: string): Promise<Rules> {
      // A binding to a missing role grants nothing, so the list stays complete (upstream too).
      const { grants } = await grantsFor(policy, user, namespace);
      const out: Rules = { resourceRules: [], nonResourceRules: [], incomplete: false };
      for (const r of grants.flatMap((g) => g.rules)) {
        if (r.resources?.length) {
          out.resourceRules.push({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources, ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) });
        }
        if (r.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
      }
      return out;
    },
  };
}
