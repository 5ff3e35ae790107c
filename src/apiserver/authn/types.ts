import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../types.js';

/**
 * The outcome of authenticating one request:
 * - `user`: credentials were presented and are valid;
 * - `none`: no credentials at all (anonymous);
 * - `invalid`: credentials were presented and rejected (always a 401, on every path).
 */
export type AuthnResult = { kind: 'user'; user: UserInfo; audiences?: string[] } | { kind: 'none' } | { kind: 'invalid'; reason: string };

/**
 * Authenticates a request from its headers and TLS peer. Must not throw for bad input.
 * `audiences` (TokenReview's): a token that names audiences must name one of them
 * (default: the API server's); a result's `audiences` says which it did — absent for
 * credentials that name none (good for the API server alone).
 */
export interface Authenticator {
  authenticate(req: IncomingMessage, audiences?: readonly string[]): AuthnResult;
}
