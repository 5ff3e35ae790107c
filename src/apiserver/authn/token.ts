import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../types.js';
import type { AuthnResult, Authenticator } from './types.js';

// Every request hashes its token: the one-shot crypto.hash (Node >= 20.12) skips building a Hash object.
const digest: (token: string) => Buffer =
  typeof crypto.hash === 'function' ? (token) => crypto.hash('sha256', token, 'buffer') : (token) => createHash('sha256').update(token).digest();

/**
 * Bearer-token authentication (`Authorization: Bearer <token>`). Tokens are kept as
 * SHA-256 digests and compared in constant time, so neither memory dumps nor timing
 * reveal them. `set`/`delete` let tokens be added at run time (e.g. agent join tokens).
 */
export class TokenAuthenticator implements Authenticator {
  private readonly byDigest = new Map<string, { digest: Buffer; user: UserInfo }>();
  /**
   * A keep-alive connection sends the same header with every request: its last answer is
   * reused (hashing costs ~10 µs a request) until the set of tokens changes. Per
   * connection, so one client's header is never compared with another's.
   */
  private readonly lastBySocket = new WeakMap<object, { header: string; epoch: number; result: AuthnResult }>();
  private epoch = 0;

  constructor(config: { tokens?: ReadonlyMap<string, UserInfo> } = {}) {
    for (const [t, u] of config.tokens ?? []) this.set(t, u);
  }

  set(token: string, user: UserInfo): void {
    const d = digest(token);
    this.byDigest.set(d.toString('hex'), { digest: d, user });
    this.epoch++;
  }

  delete(token: string): void {
    this.byDigest.delete(digest(token).toString('hex'));
    this.epoch++;
  }

  authenticate(req: IncomingMessage): AuthnResult {
    const header = req.headers.authorization;
    if (header === undefined) return { kind: 'none' };
    const socket = req.socket as object | null | undefined;
    if (!socket) return this.check(header);
    const last = this.lastBySocket.get(socket);
    if (last && last.header === header && last.epoch === this.epoch) return last.result;
    const result = this.check(header);
    this.lastBySocket.set(socket, { header, epoch: this.epoch, result });
    return result;
  }

  private check(header: string): AuthnResult {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return { kind: 'none' };
    const d = digest(m[1] as string);
    const hit = this.byDigest.get(d.toString('hex'));
    if (!hit || !timingSafeEqual(hit.digest, d)) return { kind: 'invalid', reason: 'invalid bearer token' };
    return { kind: 'user', user: hit.user };
  }
}
