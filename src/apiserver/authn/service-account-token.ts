/**
 * Service-account tokens, as kube-apiserver issues and checks them: JWTs signed RS256
 * with a key the server keeps in its data dir, `sub` system:serviceaccount:<ns>:<name>,
 * the account's namespace, name and uid under the `kubernetes.io` claim. A token is
 * accepted while it is unexpired, meant for this server (issuer and audience), and its
 * service account still exists with the same uid (fed in by a watch, so the check stays
 * synchronous): deleting the account revokes its tokens. A token bound to a Pod or Secret
 * (the kubelet's projected tokens are bound to their pod) also ends with that object.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { writeSecretFile } from '../tls/files.js';
import type { AuthnResult, Authenticator } from './types.js';

/** The issuer and default audience kube-apiserver uses out of the box. */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

export interface TokenClaims {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** The Pod or Secret the token is bound to. */
  bound?: { kind: string; name: string; uid: string };
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The server's signing key, created on first start; `kid` names it in every token header. */
export class ServiceAccountKeys {
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  }

  /** Loads the key at `path`, creating it (RSA 2048, mode 0600) if missing. */
  static loadOrCreate(path: string): ServiceAccountKeys {
    if (!existsSync(path)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeSecretFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    }
    return new ServiceAccountKeys(readFileSync(path, 'utf8'));
  }

  /** A signed token for `c`. */
  issue(c: TokenClaims): string {
    const header = { alg: 'RS256', kid: this.kid };
    const payload = {
      aud: c.audiences,
      exp: c.expiresAt,
      iat: c.issuedAt,
      iss: API_AUDIENCE,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: c.namespace,
        ...(c.bound ? { [c.bound.kind.toLowerCase()]: { name: c.bound.name, uid: c.bound.uid } } : {}),
        serviceaccount: { name: c.name, uid: c.uid },
      },
      nbf: c.issuedAt,
      sub: `${SERVICE_ACCOUNT_PREFIX}${c.namespace}:${c.name}`,
    };
    const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return `${signed}.${sign('sha256', Buffer.from(signed), this.privateKey).toString('base64url')}`;
  }

  /** The payload of a token this key signed, or undefined (not a JWT, another signer, bad signature). */
  verify(token: string): Record<string, any> | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [h, p, s] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let payload: Record<string, any>;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
      payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, any>;
    } catch {
      return undefined;
    }
    // Only what we sign: RS256 (never "none", never a key named by the token).
    if (header.alg !== 'RS256' || payload === null || typeof payload !== 'object') return undefined;
    if (!verify('sha256', Buffer.from(`${h}.${p}`), this.publicKey, Buffer.from(s, 'base64url'))) return undefined;
    return payload;
  }
}

/**
 * Authenticates `Authorization: Bearer <service-account JWT>`. Tokens of other issuers
 * are not ours (`none`, another authenticator may know them); ours that are expired,
 * for another audience, or of an account that is gone are `invalid`.
 */
/** The uid of an existing object a token may be bound to; undefined when there is none, null when it cannot tell yet. */
export type BoundObjectLookup = (kind: 'Pod' | 'Secret', namespace: string, name: string) => string | undefined | null;

export class ServiceAccountTokenAuthenticator implements Authenticator {
  /** `<namespace>/<name>` → uid of every existing service account. */
  private readonly accounts = new Map<string, string>();
  private boundObjects: BoundObjectLookup | undefined;

  constructor(
    private readonly keys: ServiceAccountKeys,
    private readonly now: () => number = () => Date.now(),
  ) {}

  upsert(namespace: string, name: string, uid: string): void {
    this.accounts.set(`${namespace}/${name}`, uid);
  }

  remove(namespace: string, name: string): void {
    this.accounts.delete(`${namespace}/${name}`);
  }

  /** Where bound objects are looked up (the watch cache, once the resource layer runs); without it bindings are not checked. */
  setBoundObjects(lookup: BoundObjectLookup): void {
    this.boundObjects = lookup;
  }

  authenticate(req: IncomingMessage, audiences: readonly string[] = [API_AUDIENCE]): AuthnResult {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m || (m[1] as string).split('.').length !== 3) return { kind: 'none' };
    const claims = this.keys.verify(m[1] as string);
    if (!claims || claims.iss !== API_AUDIENCE) return { kind: 'none' };
    const nowSeconds = Math.floor(this.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { kind: 'invalid', reason: 'service account token has expired' };
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + 60) return { kind: 'invalid', reason: 'service account token is not valid yet' };
    const aud: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const matching = audiences.filter((a) => aud.includes(a));
    if (matching.length === 0) return { kind: 'invalid', reason: 'service account token is for another audience' };
    const k8s = claims['kubernetes.io'] as { namespace?: string; serviceaccount?: { name?: string; uid?: string } } | undefined;
    const namespace = k8s?.namespace ?? '';
    const name = k8s?.serviceaccount?.name ?? '';
    const uid = k8s?.serviceaccount?.uid ?? '';
    if (claims.sub !== `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`) return { kind: 'invalid', reason: 'service account token has a malformed subject' };
    if (this.accounts.get(`${namespace}/${name}`) !== uid) return { kind: 'invalid', reason: `service account ${namespace}/${name} has been deleted` };
    const gone = this.boundObjectGone(namespace, k8s as Record<string, { name?: string; uid?: string } | undefined>);
    if (gone) return { kind: 'invalid', reason: `service account token has been invalidated: ${gone}` };
    return { kind: 'user', user: { name: claims.sub, uid, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] }, audiences: matching };
  }

  /** What is wrong with the object the token is bound to (gone, or recreated with a new uid); undefined if nothing. */
  private boundObjectGone(namespace: string, k8s: Record<string, { name?: string; uid?: string } | undefined>): string | undefined {
    if (!this.boundObjects) return undefined;
    for (const kind of ['Pod', 'Secret'] as const) {
      const ref = k8s[kind.toLowerCase()];
      if (!ref) continue;
      const uid = this.boundObjects(kind, namespace, ref.name ?? '');
      if (uid !== null && uid !== ref.uid) return `${kind.toLowerCase()} ${namespace}/${ref.name ?? ''} is gone`;
    }
    return undefined;
  }
}
