/**
 * One HTTPS POST of an AdmissionReview to a webhook, with the webhook's CA bundle as the
 * only trusted CA (system roots without one) and a deadline for the whole exchange.
 * Failures are `WebhookCallError`s worded as Go's HTTP client words them, since they end
 * up in what kubectl prints (`Post "https://…": dial tcp …: connect: connection refused`).
 */
import { request } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/** Where to send a review. */
export interface WebhookTarget {
  /** The URL as upstream shows it in errors (service webhooks: https://<svc>.<ns>.svc:<port><path>). */
  url: string;
  /** Address and port to connect to (may differ from the URL's host for service webhooks). */
  connectHost: string;
  connectPort: number;
  /** TLS server name to verify (and send as SNI when it is a DNS name). */
  serverName: string;
  /** PEM CA bundle; system roots when absent. */
  caPem?: string;
}

export class WebhookCallError extends Error {}

/** The longest answer accepted from a webhook. */
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** Posts `body` (JSON) and resolves with the parsed JSON answer; rejects with a WebhookCallError. */
export function postReview(target: WebhookTarget, body: unknown, timeoutMs: number): Promise<unknown> {
  const seconds = Math.round(timeoutMs / 1000);
  const url = new URL(target.url);
  url.searchParams.set('timeout', `${seconds}s`);
  const shown = url.toString();
  const payload = Buffer.from(JSON.stringify(body));
  const isIpName = /^[0-9.]+$/.test(target.serverName) || target.serverName.includes(':');
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new WebhookCallError(`Post "${shown}": ${why}`));
    };
    const req = request({
      method: 'POST',
      host: target.connectHost,
      port: target.connectPort,
      path: `${url.pathname}${url.search}`,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': payload.length, host: url.host },
      agent: false,
      ...(target.caPem ? { ca: target.caPem } : {}),
      ...(isIpName ? {} : { servername: target.serverName }),
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(target.serverName.replace(/^\[|\]$/g, ''), cert),
    });
    const timer = setTimeout(() => fail('context deadline exceeded'), timeoutMs);
    req.on('error', (err) => fail(describeError(err, target)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) fail('the webhook response is too large');
        else chunks.push(c);
      });
      res.on('error', (err) => fail(err.message));
      res.on('end', () => {
        if (settled) return;
        const text = Buffer.concat(chunks).toString('utf8');
        const code = res.statusCode ?? 0;
        if (code < 200 || code > 299) {
          settled = true;
          clearTimeout(timer);
          const snippet = text.trim().slice(0, 200);
          reject(new WebhookCallError(code >= 500 ? `an error on the server ("${snippet}") has prevented the request from succeeding` : `the server responded with the status code ${code} but did not return more information`));
          return;
        }
        try {
          const parsed: unknown = JSON.parse(text);
          settled = true;
          clearTimeout(timer);
          resolve(parsed);
        } catch (err) {
          fail(`invalid JSON in the webhook response: ${(err as Error).message}`);
        }
      });
    });
    req.end(payload);
  });
}

/** Go's words for the usual network and TLS failures. */
export function describeError(err: NodeJS.ErrnoException, target: Pick<WebhookTarget, 'connectHost' | 'connectPort'>): string {
  const addr = `${target.connectHost.includes(':') ? `[${target.connectHost}]` : target.connectHost}:${target.connectPort}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'ECONNRESET':
      return `read tcp ${addr}: read: connection reset by peer`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${err.message}`;
    default:
      return err.message;
  }
}
