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

/** Decides whether a user may do something. May be asynchronous (e.g. RBAC lookups). */
export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Decision | Promise<Decision>;
}

/** Allows every authenticated request: the default until RBAC lands. */
export const alwaysAllowAuthorizer: Authorizer = {
  authorize: () => ({ allowed: true, reason: '' }),
};

/** Denies everything with `reason` (tests, and locking a server down). */
export function alwaysDenyAuthorizer(reason = ''): Authorizer {
  return { authorize: () => ({ allowed: false, reason }) };
}
