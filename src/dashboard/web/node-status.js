// @ts-check
/** The columns `kubectl get nodes -o wide` shows: STATUS, ROLES, INTERNAL-IP. */

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/**
 * STATUS: the Ready condition, plus ",SchedulingDisabled" when cordoned.
 * @param {any} node
 */
export function nodeStatus(node) {
  const ready = (node.status?.conditions ?? []).find((/** @type {any} */ c) => c.type === 'Ready');
  const s = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return node.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

/**
 * ROLES: from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role`
 * label, sorted and comma-separated; "<none>" without any.
 * @param {any} node
 */
export function nodeRoles(node) {
  const roles = new Set();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(String(v));
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

/**
 * INTERNAL-IP: the first InternalIP address; "<none>" without one.
 * @param {any} node
 */
export function nodeInternalIp(node) {
  const a = (node.status?.addresses ?? []).find((/** @type {any} */ x) => x.type === 'InternalIP');
  return a?.address ?? '<none>';
}
