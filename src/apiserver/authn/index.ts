/** Authentication: who is calling (bearer tokens, client certificates). */
export type { AuthnResult, Authenticator } from './types.js';
export { TokenAuthenticator } from './token.js';
export { X509Authenticator } from './x509.js';
export { unionAuthenticator } from './union.js';
export { parseTokenFile } from './token-file.js';
export { impersonate, withAuthenticatedGroup } from './impersonation.js';
