import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import type { ClusterConnection } from './kubeconfig.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export interface HttpsTransportConfig {
  connection: ClusterConnection;
  /**
   * Max concurrent sockets to the server (default: unlimited). Idle sockets are kept
   * alive and reused first; a cap must leave room for every long-lived watch, or
   * requests would queue behind them.
   */
  maxSockets?: number;
  /** Sent as User-Agent. */
  userAgent?: string;
  /**
   * With a tokenFile, how often to re-read it so rotated tokens (projected service
   * account tokens) are picked up (default 60 s, as client-go; 0 = every request).
   */
  tokenRefreshMs?: number;
}

/**
 * The Kubernetes REST transport over HTTPS (or plain HTTP for an http:// server) with a
 * keep-alive agent: every request reuses a pooled TLS connection, which matters for
 * components that write a lot (the scheduler binds pods one request each).
 */
export class HttpsTransport implements Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private readonly isTls: boolean;
  private readonly servername: string | undefined;
  private readonly tokenFile: string | undefined;
  private readonly tokenRefreshMs: number;
  private tokenReadAt = Date.now();

  constructor(config: HttpsTransportConfig) {
    const conn = config.connection;
    this.base = new URL(conn.server);
    this.isTls = this.base.protocol === 'https:';
    if (!this.isTls && this.base.protocol !== 'http:') throw new Error(`unsupported server URL ${conn.server}`);
    const maxSockets = config.maxSockets ?? Infinity;
    this.agent = this.isTls
      ? new https.Agent({
          keepAlive: true,
          maxSockets,
          // One context for every socket: otherwise each new connection parses the CA, the
          // certificate and the key again (an in-process control plane opens ~50 at start).
          // ca/cert/key are not repeated in the options: the agent serves one server with one
          // identity, and it would join those multi-KB strings into its pool key on every request.
          secureContext: createSecureContext({
            ...(conn.ca ? { ca: conn.ca } : {}),
            ...(conn.cert ? { cert: conn.cert } : {}),
            ...(conn.key ? { key: conn.key } : {}),
          }),
          rejectUnauthorized: conn.insecureSkipTLSVerify !== true,
        })
      : new http.Agent({ keepAlive: true, maxSockets });
    this.servername = conn.tlsServerName;
    this.headers = { 'user-agent': config.userAgent ?? 'skiff-client' };
    this.tokenFile = conn.tokenFile;
    this.tokenRefreshMs = config.tokenRefreshMs ?? 60_000;
    if (conn.token) this.headers.authorization = `Bearer ${conn.token}`;
    else if (conn.username !== undefined && conn.password !== undefined) {
      this.headers.authorization = `Basic ${Buffer.from(`${conn.username}:${conn.password}`).toString('base64')}`;
    }
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    this.refreshToken();
    const query = req.query?.toString();
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const options: https.RequestOptions = {
      protocol: this.base.protocol,
      hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
      port: this.base.port || (this.isTls ? 443 : 80),
      method: req.method,
      path: `${basePath}${req.path}${query ? `?${query}` : ''}`,
      agent: this.agent,
      headers: { ...this.headers, ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) },
      ...(this.servername ? { servername: this.servername } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    };
    return this.send(options, req.body, true);
  }

  /**
   * A pooled socket the server closed while idle fails on first use with ECONNRESET; the
   * request never reached the server, so it is sent once more on a fresh socket (as
   * browsers and Go's transport do for reused connections).
   */
  private send(options: https.RequestOptions, body: Buffer | undefined, mayRetry: boolean): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      const r = (this.isTls ? https : http).request(options, (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      r.on('error', (err: NodeJS.ErrnoException) => {
        if (mayRetry && r.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
          this.send(options, body, false).then(resolve, reject);
        } else reject(err);
      });
      r.end(body);
    });
  }

  private refreshToken(): void {
    if (!this.tokenFile || Date.now() - this.tokenReadAt < this.tokenRefreshMs) return;
    this.tokenReadAt = Date.now();
    try {
      const token = readFileSync(this.tokenFile, 'utf8').trim();
      if (token) this.headers.authorization = `Bearer ${token}`;
    } catch {
      // Keep the last good token; the server's 401 will tell if it expired.
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
