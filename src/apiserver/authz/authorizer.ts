import type { UserInfo } from '../types.js';

/** What a request wants to do, as Kubernetes' authorizer.Attributes. */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the lowercased method. */
  verb: string;
  resourceRequest: boolean;
  /** The request path (non-resource requests). */
  path: string;
  namespace?: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface Decision {
  allowed: boolean;
  /** Why; appended to the 403 message when denied (may be ''). */
  reason: string;
}

/** What a user may do in a namespace, as upstream's RuleResolver lists it (`kubectl auth can-i --list`). */
export interface Rules {
  resourceRules: Array<{ verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }>;
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs?: string[] }>;
  /** True when the authorizer cannot list everything it would allow. */
  incomplete: boolean;
}

/** Decides whether a user may do something. May be asynchronous (e.g. RBAC lookups). */
export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Decision | Promise<Decision>;
  /** The rules behind those decisions for `user` in `namespace`; none: the authorizer cannot say (incomplete). */
  rulesFor?(user: UserInfo, namespace: string): Rules | Promise<Rules>;
}

/** Allows every authenticated request: the default until RBAC lands. */
export const alwaysAllowAuthorizer: Authorizer = {
  authorize: () => ({ allowed: true, reason: '' }),
  // As upstream's AlwaysAllow authorizer lists its rules: everything.
  rulesFor: () => ({ resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }),
};

/** Denies everything with `reason` (tests, and locking a server down). */
export function alwaysDenyAuthorizer(reason = ''): Authorizer {
  return { authorize: () => ({ allowed: false, reason }), rulesFor: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }) };
}
