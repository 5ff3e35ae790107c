import { forbidden, type ApiError } from '../../machinery/status.js';
import type { AuthorizationAttributes } from './authorizer.js';

/**
 * The 403 Status for a denied request, worded exactly as kube-apiserver's
 * `forbiddenMessage` + `NewForbidden`, e.g.
 * `pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"`.
 */
export function forbiddenError(a: AuthorizationAttributes, reason: string): ApiError {
  const user = a.user.name;
  const suffix = reason ? `: ${reason}` : '';
  if (!a.resourceRequest) return forbidden(undefined, '', `User "${user}" cannot ${a.verb} path "${a.path}"${suffix}`);
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : (a.resource ?? '');
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup ?? ''}" ${where}${suffix}`;
  return forbidden({ group: a.apiGroup ?? '', resource: a.resource ?? '' }, a.name ?? '', why);
}
