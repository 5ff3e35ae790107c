import type { IncomingMessage } from 'node:http';
import type { AuthnResult, Authenticator } from './types.js';

/**
 * Tries each authenticator in order; the first user wins. When none yields a user and
 * any rejected presented credentials, the request is `invalid` (401), as upstream's union
 * authenticator reports the errors (each reason once); otherwise it is anonymous.
 */
export function unionAuthenticator(...authenticators: Authenticator[]): Authenticator {
  return {
    authenticate(req: IncomingMessage, audiences?: readonly string[]): AuthnResult {
      const reasons: string[] = [];
      for (const a of authenticators) {
        const r = a.authenticate(req, audiences);
        if (r.kind === 'user') return r;
        if (r.kind === 'invalid' && !reasons.includes(r.reason)) reasons.push(r.reason);
      }
      return reasons.length > 0 ? { kind: 'invalid', reason: reasons.join(', ') } : { kind: 'none' };
    },
  };
}
