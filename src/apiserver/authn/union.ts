import type { IncomingMessage } from 'node:http';
import type { AuthnResult, Authenticator } from './types.js';

/**
 * Tries each authenticator in order; the first user wins. When none yields a user and
 * any rejected presented credentials, the request is `invalid` (401), as upstream's union
 * authenticator reports the error; otherwise it is anonymous.
 */
export function unionAuthenticator(...authenticators: Authenticator[]): Authenticator {
  return {
    authenticate(req: IncomingMessage): AuthnResult {
      let invalid: AuthnResult | undefined;
      for (const a of authenticators) {
        const r = a.authenticate(req);
        if (r.kind === 'user') return r;
        if (r.kind === 'invalid') invalid ??= r;
      }
      return invalid ?? { kind: 'none' };
    },
  };
}
