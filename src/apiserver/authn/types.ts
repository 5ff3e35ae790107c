import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../types.js';

/**
 * The outcome of authenticating one request:
 * - `user`: credentials were presented and are valid;
 * - `none`: no credentials at all (anonymous);
 * - `invalid`: credentials were presented and rejected (always a 401, on every path).
 */
export type AuthnResult = { kind: 'user'; user: UserInfo } | { kind: 'none' } | { kind: 'invalid'; reason: string };

/** Authenticates a request from its headers and TLS peer. Must not throw for bad input. */
export interface Authenticator {
  authenticate(req: IncomingMessage): AuthnResult;
}
