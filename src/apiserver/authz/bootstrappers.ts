import { BOOTSTRAPPERS_GROUP } from '../authn/bootstrap-token.js';
import type { UserInfo } from '../types.js';
import type { AuthorizationAttributes, Authorizer, Decision, Rules } from './authorizer.js';

/** Where a joining node may go with a bootstrap token: read its server's identity, ask for a certificate. */
const BOOTSTRAP_PATHS: ReadonlyArray<{ verb: string; path: RegExp; urls: string[] }> = [
  { verb: 'get', path: /^\/(version|cacerts|healthz|livez|readyz)$/, urls: ['/version', '/cacerts', '/healthz', '/livez', '/readyz'] },
  { verb: 'post', path: /^\/v1-skiff\/node-certificate$/, urls: ['/v1-skiff/node-certificate'] },
];

/**
 * A bootstrap token is a one-purpose credential (the node join), not a login: users in
 * `system:bootstrappers` get only the join paths, whatever `inner` would allow; everyone
 * else is decided by `inner`. (kube-apiserver gets the same effect from RBAC bindings.)
 */
export function restrictBootstrappers(inner: Authorizer): Authorizer {
  const denied: Decision = { allowed: false, reason: 'a bootstrap token may only request a node certificate' };
  return {
    authorize(a: AuthorizationAttributes): Decision | Promise<Decision> {
      if (!a.user.groups.includes(BOOTSTRAPPERS_GROUP)) return inner.authorize(a);
      if (a.resourceRequest) return denied;
      return BOOTSTRAP_PATHS.some((p) => p.verb === a.verb && p.path.test(a.path)) ? { allowed: true, reason: '' } : denied;
    },
    rulesFor(user: UserInfo, namespace: string): Rules | Promise<Rules> {
      if (user.groups.includes(BOOTSTRAPPERS_GROUP)) {
        return { resourceRules: [], nonResourceRules: BOOTSTRAP_PATHS.map((p) => ({ verbs: [p.verb], nonResourceURLs: p.urls })), incomplete: false };
      }
      return inner.rulesFor ? inner.rulesFor(user, namespace) : { resourceRules: [], nonResourceRules: [], incomplete: true };
    },
  };
}
