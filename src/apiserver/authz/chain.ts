import { NODES_GROUP } from '../node-join.js';
import type { UserInfo } from '../types.js';
import type { AuthorizationAttributes, Authorizer, Decision, Rules } from './authorizer.js';

const MASTERS_GROUP = 'system:masters';

/** Everything: what `system:masters` (and, for now, nodes) may do. */
const ALL_RULES: Rules = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
};

/**
 * kube-apiserver's `--authorization-mode=Node,RBAC` with its privileged-group shortcut:
 * `system:masters` is allowed everything without a lookup (as upstream, so an admin can
 * never lock itself out by editing RBAC); `system:nodes` is allowed everything — a
 * stand-in for the Node authorizer, which would restrict a kubelet to its own node's
 * pods, secrets and volumes (skiff has none yet); everyone else gets what `rbac` allows.
 * A request nobody allows is denied with the last reason (the 403's suffix).
 */
export function nodeRbacAuthorizer(rbac: Authorizer): Authorizer {
  const privileged = (user: UserInfo): boolean => user.groups.includes(MASTERS_GROUP) || user.groups.includes(NODES_GROUP);
  return {
    authorize(a: AuthorizationAttributes): Decision | Promise<Decision> {
      if (privileged(a.user)) return { allowed: true, reason: '' };
      return rbac.authorize(a);
    },
    rulesFor(user: UserInfo, namespace: string): Rules | Promise<Rules> {
      if (privileged(user)) return ALL_RULES;
      return rbac.rulesFor ? rbac.rulesFor(user, namespace) : { resourceRules: [], nonResourceRules: [], incomplete: true };
    },
  };
}
