import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../types.js';
import type { AuthorizationAttributes, Authorizer } from '../authz/authorizer.js';
import { forbiddenError } from '../authz/forbidden.js';
import { badRequest } from '../http/status.js';

const AUTHENTICATED = 'system:authenticated';
const ANONYMOUS_USER = 'system:anonymous';
const SA_PREFIX = 'system:serviceaccount:';

/** Adds `system:authenticated` to an authenticated user's groups, as upstream's group adder. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(AUTHENTICATED) ? user : { ...user, groups: [...user.groups, AUTHENTICATED] };
}

/**
 * Impersonation (`kubectl --as/--as-group/--as-uid`): the `Impersonate-User`,
 * `Impersonate-Group` (repeatable), `Impersonate-Uid` headers. Each one is authorized as
 * the verb `impersonate` on `users`, `groups`, `uids` (authentication.k8s.io) or
 * `serviceaccounts` in the account's namespace; a denial is a 403 worded as upstream's.
 * Returns the caller unchanged when no header is present.
 */
export async function impersonate(req: IncomingMessage, requester: UserInfo, authorizer: Authorizer, path: string): Promise<UserInfo> {
  const name = header(req, 'impersonate-user');
  const groups = headers(req, 'impersonate-group');
  const uid = header(req, 'impersonate-uid');
  const extras = Object.keys(req.headers).filter((h) => h.startsWith('impersonate-extra-'));
  if (name === undefined && groups.length === 0 && uid === undefined && extras.length === 0) return requester;
  if (name === undefined || name === '') throw badRequest('requested impersonation of groups, uid or extra without impersonating a user');

  const check = async (a: Omit<AuthorizationAttributes, 'user' | 'verb' | 'resourceRequest' | 'path'>): Promise<void> => {
    const attrs: AuthorizationAttributes = { user: requester, verb: 'impersonate', resourceRequest: true, path, ...a };
    const d = await authorizer.authorize(attrs);
    if (!d.allowed) throw forbiddenError(attrs, d.reason);
  };
  if (name.startsWith(SA_PREFIX)) {
    const [ns, sa] = name.slice(SA_PREFIX.length).split(':');
    await check({ apiGroup: '', resource: 'serviceaccounts', namespace: ns ?? '', name: sa ?? '' });
  } else {
    await check({ apiGroup: '', resource: 'users', name });
  }
  for (const g of groups) await check({ apiGroup: '', resource: 'groups', name: g });
  if (uid !== undefined) await check({ apiGroup: 'authentication.k8s.io', resource: 'uids', name: uid });

  const out: string[] = [...groups];
  if (name.startsWith(SA_PREFIX) && groups.length === 0) {
    const ns = name.slice(SA_PREFIX.length).split(':')[0] ?? '';
    out.push('system:serviceaccounts', `system:serviceaccounts:${ns}`);
  }
  if (name !== ANONYMOUS_USER && !out.includes(AUTHENTICATED)) out.push(AUTHENTICATED);
  return { name, ...(uid !== undefined ? { uid } : {}), groups: out };
}

function header(req: IncomingMessage, h: string): string | undefined {
  const v = req.headers[h];
  return Array.isArray(v) ? v[0] : v;
}

// Node joins repeated headers with ', '; group names cannot contain ', ' in practice.
function headers(req: IncomingMessage, h: string): string[] {
  const v = req.headers[h];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(', ')).filter((x) => x !== '');
}
