import { createHash, randomInt } from 'node:crypto';
import type { Secret } from '../../api/core/v1/secret.js';

/**
 * Bootstrap tokens as Kubernetes keeps them (kubeadm's format): a Secret
 * `kube-system/bootstrap-token-<id>` of type `bootstrap.kubernetes.io/token`, with the
 * id (6 of [a-z0-9]) and secret (16 of [a-z0-9]) in its data. Shown to users in k3s's
 * secure form `K10<sha256 hex of the CA PEM>::<id>.<secret>`, so a joining node can
 * check the server's CA before trusting it.
 */
export const BOOTSTRAP_TOKEN_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_PREFIX = 'bootstrap-token-';
/** The group kube-apiserver gives every bootstrap token, plus skiff's node-join group. */
export const DEFAULT_EXTRA_GROUPS = 'system:bootstrappers:skiff:default-node-token';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_RE = /^[a-z0-9]{6}$/;
const SECRET_RE = /^[a-z0-9]{16}$/;

function randomString(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** A fresh random token (crypto RNG). */
export function generateToken(): BootstrapToken {
  return { id: randomString(6), secret: randomString(16) };
}

/** sha256 hex of the CA bundle as written (the part after `K10`). */
export function caHash(caPem: string | Buffer): string {
  return createHash('sha256').update(caPem).digest('hex');
}

/** `K10<ca hash>::<id>.<secret>`. */
export function formatSecureToken(caPem: string | Buffer, t: BootstrapToken): string {
  return `K10${caHash(caPem)}::${t.id}.${t.secret}`;
}

/**
 * Parses `<id>.<secret>`, `K10<hash>::<id>.<secret>` or a bare `<id>` (secret empty).
 * Returns undefined when it is none of these.
 */
export function parseTokenRef(s: string): (BootstrapToken & { caHash?: string }) | undefined {
  const secure = /^K10([0-9a-f]{64})::([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(s);
  if (secure) return { caHash: secure[1] as string, id: secure[2] as string, secret: secure[3] as string };
  const plain = /^([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(s);
  if (plain) return { id: plain[1] as string, secret: plain[2] as string };
  if (ID_RE.test(s)) return { id: s, secret: '' };
  return undefined;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined): string => (s === undefined ? '' : Buffer.from(s, 'base64').toString('utf8'));

/** The Secret holding a token; `ttlMs` 0 = never expires. */
export function tokenSecret(t: BootstrapToken, opts: { now: Date; ttlMs: number; description?: string }): Secret {
  if (!ID_RE.test(t.id) || !SECRET_RE.test(t.secret)) throw new Error('a token is 6 and 16 characters of [a-z0-9]');
  const data: Record<string, string> = {
    'token-id': b64(t.id),
    'token-secret': b64(t.secret),
    'usage-bootstrap-authentication': b64('true'),
    'usage-bootstrap-signing': b64('true'),
    'auth-extra-groups': b64(DEFAULT_EXTRA_GROUPS),
  };
  if (opts.ttlMs > 0) data.expiration = b64(new Date(opts.now.getTime() + opts.ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (opts.description) data.description = b64(opts.description);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${BOOTSTRAP_TOKEN_PREFIX}${t.id}`, namespace: 'kube-system' },
    type: BOOTSTRAP_TOKEN_TYPE,
    data,
  } as Secret;
}

export interface TokenInfo extends BootstrapToken {
  /** undefined = never expires. */
  expires?: Date;
  usages: string[];
  description: string;
  groups: string[];
}

/** Reads a bootstrap-token Secret back; undefined when it is not one (wrong type or name, bad id). */
export function tokenFromSecret(s: Secret): TokenInfo | undefined {
  if (s.type !== BOOTSTRAP_TOKEN_TYPE) return undefined;
  const d = (s.data ?? {}) as Record<string, string>;
  const id = unb64(d['token-id']);
  const secret = unb64(d['token-secret']);
  if (!ID_RE.test(id) || !SECRET_RE.test(secret) || s.metadata?.name !== `${BOOTSTRAP_TOKEN_PREFIX}${id}`) return undefined;
  const exp = unb64(d.expiration);
  const usages = Object.keys(d)
    .filter((k) => k.startsWith('usage-bootstrap-') && unb64(d[k]) === 'true')
    .map((k) => k.slice('usage-bootstrap-'.length))
    .sort();
  return {
    id,
    secret,
    ...(exp ? { expires: new Date(exp) } : {}),
    usages,
    description: unb64(d.description),
    groups: unb64(d['auth-extra-groups']).split(',').filter(Boolean),
  };
}

/** `24h`, `30m`, `90s`, `1h30m`, or `0` (never expires) → milliseconds; throws on anything else. */
export function parseTtl(v: string): number {
  if (v === '0') return 0;
  const re = /(\d+)(h|m|s)/g;
  if (!/^(\d+(h|m|s))+$/.test(v)) throw new Error('must be a duration such as 24h, 30m or 1h30m (0 = never expires)');
  let ms = 0;
  for (const m of v.matchAll(re)) ms += Number(m[1]) * (m[2] === 'h' ? 3_600_000 : m[2] === 'm' ? 60_000 : 1000);
  return ms;
}

/** Time left as kubeadm prints it (`23h`, `59m`, `<invalid>` once expired, `<forever>`). */
export function formatTtl(expires: Date | undefined, now: Date): string {
  if (!expires) return '<forever>';
  const ms = expires.getTime() - now.getTime();
  if (ms <= 0) return '<invalid>';
  const h = Math.floor(ms / 3_600_000);
  if (h >= 1) return `${h}h`;
  const m = Math.floor(ms / 60_000);
  return m >= 1 ? `${m}m` : `${Math.ceil(ms / 1000)}s`;
}
