/**
 * Bearer tokens carried as a WebSocket subprotocol, as kube-apiserver accepts them: a
 * browser cannot set `Authorization` on a WebSocket, but it can offer subprotocols, so it
 * offers `base64url.bearer.authorization.k8s.io.<base64url(token), no padding>` beside
 * the real one (e.g. `v5.channel.k8s.io`). Only WebSocket upgrade requests are looked at.
 * The token protocol is taken out of the offered list before the request goes on, so the
 * backend (the kubelet) never sees it and the 101 can never echo it back.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthnResult, Authenticator } from './types.js';

export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** True for a WebSocket upgrade: `Connection` lists `upgrade` and `Upgrade` is `websocket`. */
export function isWebSocketRequest(req: Pick<IncomingMessage, 'headers'>): boolean {
  const connection = String(req.headers.connection ?? '').toLowerCase();
  const upgrade = String(req.headers.upgrade ?? '').trim().toLowerCase();
  return upgrade === 'websocket' && connection.split(',').some((t) => t.trim() === 'upgrade');
}

/** What the offered subprotocols hold: the other protocols, and the encoded tokens. */
export interface OfferedProtocols {
  others: string[];
  tokens: string[];
}

/** Splits `Sec-WebSocket-Protocol` (one header or several, each comma-separated). */
export function splitProtocols(header: string | string[] | undefined): OfferedProtocols {
  const others: string[] = [];
  const tokens: string[] = [];
  for (const line of Array.isArray(header) ? header : header === undefined ? [] : [header]) {
    for (const raw of line.split(',')) {
      const p = raw.trim();
      if (p === '') continue;
      if (p.startsWith(BEARER_PROTOCOL_PREFIX)) tokens.push(p.slice(BEARER_PROTOCOL_PREFIX.length));
      else others.push(p);
    }
  }
  return { others, tokens };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The token of an encoded protocol value: strict unpadded base64url of valid UTF-8, as
 * Go's RawURLEncoding decodes it; undefined otherwise (padding included).
 */
export function decodeBearerProtocol(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  // Non-canonical trailing bits (another string decoding to the same bytes) are refused too.
  if (bytes.toString('base64url') !== encoded) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The subprotocol that carries `token`. */
export function bearerProtocol(token: string): string {
  return BEARER_PROTOCOL_PREFIX + Buffer.from(token, 'utf8').toString('base64url');
}

/** Removes any token protocol from a request's offered subprotocols (the header is left out when none remain). */
export function stripBearerProtocols(headers: IncomingMessage['headers']): void {
  const header = headers['sec-websocket-protocol'];
  if (header === undefined) return;
  const { others, tokens } = splitProtocols(header);
  if (tokens.length === 0) return;
  if (others.length > 0) headers['sec-websocket-protocol'] = others.join(', ');
  else delete headers['sec-websocket-protocol'];
}

/**
 * Authenticates a WebSocket upgrade by the token in its subprotocols, checked by
 * `bearer` (the `Authorization: Bearer` authenticators). Not a WebSocket upgrade, or no
 * token protocol: `none`. More than one token, a token that is not strict unpadded
 * base64url UTF-8, a token with no other protocol offered (nothing would be left to
 * echo), or a token `bearer` does not accept: `invalid` (401). The token protocol is
 * stripped from the request's headers whenever one was offered, whatever the outcome.
 */
export class WebSocketProtocolAuthenticator implements Authenticator {
  constructor(private readonly bearer: Authenticator) {}

  authenticate(req: IncomingMessage, audiences?: readonly string[]): AuthnResult {
    if (!isWebSocketRequest(req)) return { kind: 'none' };
    const { others, tokens } = splitProtocols(req.headers['sec-websocket-protocol']);
    if (tokens.length === 0) return { kind: 'none' };
    stripBearerProtocols(req.headers);
    if (tokens.length > 1) return { kind: 'invalid', reason: 'multiple base64.bearer.authorization tokens specified' };
    const token = decodeBearerProtocol(tokens[0] as string);
    if (token === undefined) return { kind: 'invalid', reason: 'invalid base64.bearer.authorization token encoding' };
    if (token === '') return { kind: 'none' };
    if (others.length === 0) return { kind: 'invalid', reason: 'missing additional subprotocol' };
    // The bearer authenticators read only the Authorization header (no socket: no per-connection cache).
    const asHeader = { headers: { authorization: `Bearer ${token}` } } as unknown as IncomingMessage;
    const r = this.bearer.authenticate(asHeader, audiences);
    return r.kind === 'none' ? { kind: 'invalid', reason: 'invalid bearer token' } : r;
  }
}
