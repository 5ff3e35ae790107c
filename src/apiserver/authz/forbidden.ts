import { forbidden, type StatusError } from '../http/status.js';
import type { AuthorizationAttributes } from './authorizer.js';

/**
 * The 403 Status for a denied request, worded exactly as kube-apiserver's
 * `forbiddenMessage` + `NewForbidden`, e.g.
 * `pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"`.
 */
export function forbiddenError(a: AuthorizationAttributes, reason: string): StatusError {
  const user = a.user.name;
  if (!a.resourceRequest) {
    const why = `User "${user}" cannot ${a.verb} path "${a.path}"`;
    return forbidden(`forbidden: ${why}${reason ? `: ${reason}` : ''}`, {});
  }
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup ?? ''}" ${where}`;
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : (a.resource ?? '');
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  return forbidden(`${subject} is forbidden: ${why}${reason ? `: ${reason}` : ''}`, {
    ...(a.name ? { name: a.name } : {}),
    ...(a.apiGroup ? { group: a.apiGroup } : {}),
    kind: a.resource ?? '',
  });
}
