/** RBAC: the authorizer over stored roles and bindings, and the default policy. */
export { rbacAuthorizer } from './rbac-authorizer.js';
export { cachePolicySource, deferredPolicySource, EMPTY_POLICY, type PolicySource, type Binding } from './policy-source.js';
export { ensureBootstrapPolicy } from './ensure-bootstrap-policy.js';
