import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Secret } from '../../api/core/v1/secret.js';
import type { AuthnResult, Authenticator } from './types.js';
import { tokenFromSecret, type TokenInfo } from './bootstrap-token-format.js';

/** The group every bootstrap token user is in, as kube-apiserver names it. */
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
const TOKEN_RE = /^Bearer\s+([a-z0-9]{6})\.([a-z0-9]{16})\s*$/i;

/**
 * Bootstrap-token authentication, as kube-apiserver's: `Bearer <id>.<secret>` names the
 * Secret `kube-system/bootstrap-token-<id>`; it authenticates while the Secret exists,
 * is not past its `expiration` and allows `usage-bootstrap-authentication`. The user is
 * `system:bootstrap:<id>` in `system:bootstrappers` plus the token's extra groups.
 * The Secrets are fed in by a watch (`upsert`/`remove`), so the check stays synchronous.
 */
export class BootstrapTokenAuthenticator implements Authenticator {
  private readonly byId = new Map<string, TokenInfo>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  upsert(secret: Secret): void {
    const name = secret.metadata?.name ?? '';
    const info = tokenFromSecret(secret);
    if (info) this.byId.set(info.id, info);
    else this.byId.delete(name.replace(/^bootstrap-token-/, ''));
  }

  remove(secret: Secret): void {
    const info = tokenFromSecret(secret);
    if (info) this.byId.delete(info.id);
  }

  authenticate(req: IncomingMessage): AuthnResult {
    const m = TOKEN_RE.exec(req.headers.authorization ?? '');
    if (!m) return { kind: 'none' };
    const [id, secret] = [(m[1] as string).toLowerCase(), (m[2] as string).toLowerCase()];
    const token = this.byId.get(id);
    if (!token || !sameSecret(token.secret, secret)) return { kind: 'invalid', reason: 'bootstrap token not found or secret mismatch' };
    if (token.expires && token.expires.getTime() <= this.now().getTime()) return { kind: 'invalid', reason: `bootstrap token ${id} expired` };
    if (!token.usages.includes('authentication')) return { kind: 'invalid', reason: `bootstrap token ${id} is not for authentication` };
    const groups = [BOOTSTRAPPERS_GROUP, ...token.groups.filter((g) => g.startsWith(`${BOOTSTRAPPERS_GROUP}:`))];
    return { kind: 'user', user: { name: `system:bootstrap:${id}`, groups } };
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
