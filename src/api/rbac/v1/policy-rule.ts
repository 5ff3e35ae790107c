import type { SchemaFieldError } from '../../schema/dsl.js';
import { f, object, t, type Infer } from '../../schema/dsl.js';
import { fieldError } from '../../meta/v1/index.js';

/** The API group of RBAC objects; RoleRef and User/Group subjects name it. */
export const rbacGroup = 'rbac.authorization.k8s.io';

export const PolicyRuleSchema = object('PolicyRule', 'Verbs allowed on resources or non-resource URLs.', {
  verbs: f(1, t.list(t.string()), 'Verbs allowed; "*" means all.', { required: true }),
  apiGroups: f(2, t.list(t.string()), 'API groups of the resources; "" is core, "*" is all.'),
  resources: f(3, t.list(t.string()), 'Resources (and "resource/subresource"); "*" is all.'),
  resourceNames: f(4, t.list(t.string()), 'Object names the rule is limited to; empty means all.'),
  nonResourceURLs: f(5, t.list(t.string()), 'Non-resource URL paths (ClusterRoles only); a trailing "*" matches a prefix.'),
});
export type PolicyRule = Infer<typeof PolicyRuleSchema>;

/** ValidatePolicyRule, with upstream's messages. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(fieldError.required(`${path}.verbs`, 'verbs must contain at least one value'));
  if ((rule.nonResourceURLs ?? []).length > 0) {
    if (namespaced) {
      errs.push(fieldError.invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    }
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(
        fieldError.invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'),
      );
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) {
    errs.push(fieldError.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  }
  if ((rule.resources ?? []).length === 0) {
    errs.push(fieldError.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  }
  return errs;
}
