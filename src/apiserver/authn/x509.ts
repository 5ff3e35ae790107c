import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AuthnResult, Authenticator } from './types.js';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

/**
 * Client-certificate authentication, as Kubernetes' x509 authenticator: the TLS layer
 * verified the chain against the cluster CA (`requestCert: true, rejectUnauthorized:
 * false`, so token clients still connect); a verified certificate maps CN to the user
 * and each O to a group. A certificate that fails verification is `invalid`.
 */
export class X509Authenticator implements Authenticator {
  // The peer certificate is fixed for a connection: decide once per socket.
  private readonly bySocket = new WeakMap<object, AuthnResult>();

  authenticate(req: IncomingMessage): AuthnResult {
    const socket = req.socket as TLSSocket;
    let r = this.bySocket.get(socket);
    if (!r) {
      r = this.fromSocket(socket);
      this.bySocket.set(socket, r);
    }
    return r;
  }

  private fromSocket(socket: TLSSocket): AuthnResult {
    if (typeof socket.getPeerCertificate !== 'function') return { kind: 'none' };
    const cert = socket.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) return { kind: 'none' };
    if (!socket.authorized) {
      return { kind: 'invalid', reason: `x509: ${String(socket.authorizationError ?? 'certificate verification failed')}` };
    }
    const eku = cert.ext_key_usage;
    if (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH_OID)) {
      return { kind: 'invalid', reason: 'x509: certificate specifies an incompatible key usage' };
    }
    const cn = first(cert.subject?.CN);
    if (!cn) return { kind: 'invalid', reason: 'x509: certificate has no common name' };
    return { kind: 'user', user: { name: cn, groups: all(cert.subject?.O) } };
  }
}

// Node gives a string for one attribute value and an array for several.
function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
function first(v: string | string[] | undefined): string | undefined {
  return all(v)[0];
}
