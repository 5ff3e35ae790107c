/**
 * `skiff doctor`'s checks of the cluster a kubeconfig points at: which kubeconfig, is the
 * server reachable and ready, is its certificate valid and trusted, are our credentials
 * accepted, is the client certificate valid, and does the local clock agree with the
 * server's. Never throws; every failure becomes a result that says what to do.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { delimiter, join } from 'node:path';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { loadKubeconfig, type ClusterConnection } from '../client/kubeconfig.js';
import type { CheckResult } from './doctor-checks.js';

const DAY_MS = 24 * 3600 * 1000;
/** Certificates closer than this to expiry are a warning, as kubeadm's `certs check-expiration` flags them. */
export const CERT_WARN_DAYS = 30;
/** Clock skew beyond this is a warning: leases, token expiry and certificate validity all read the clock. */
export const MAX_SKEW_MS = 5000;

export interface ClusterCheckOptions {
  /** --kubeconfig; else the first entry of $KUBECONFIG; else ~/.kube/config; else <dataDir>/admin.kubeconfig. */
  kubeconfig?: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The local clock (injectable so tests can skew it). */
  now?: () => number;
  timeoutMs?: number;
}

export interface ClusterReport {
  checks: CheckResult[];
  /** The server URL when it answered over a trusted connection. */
  reachable?: URL;
}

/** Which kubeconfig to use and how it was chosen, or a result explaining that there is none. */
export function findKubeconfig(opts: ClusterCheckOptions): { path: string; how: string } | CheckResult {
  const env = opts.env ?? process.env;
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p.trim() !== '');
  const explicit = opts.kubeconfig ? { path: opts.kubeconfig, how: '--kubeconfig' } : fromEnv ? { path: fromEnv, how: '$KUBECONFIG' } : undefined;
  if (explicit) {
    if (existsSync(explicit.path)) return explicit;
    return { name: 'kubeconfig', status: 'fail', detail: `${explicit.path} (from ${explicit.how}) does not exist`, hint: 'fix the path, or unset KUBECONFIG to use ~/.kube/config' };
  }
  const home = join(opts.home ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return { path: home, how: 'default' };
  const admin = join(opts.dataDir, 'admin.kubeconfig');
  if (existsSync(admin)) return { path: admin, how: 'the data dir' };
  return {
    name: 'kubeconfig',
    status: 'warn',
    detail: `none found (no --kubeconfig, KUBECONFIG unset, no ${home}, no ${admin}): cluster checks skipped`,
    hint: 'start a cluster with `skiff up`, or pass --kubeconfig <data-dir>/admin.kubeconfig',
  };
}

/** Runs every cluster check against the kubeconfig's current context. */
export async function checkCluster(opts: ClusterCheckOptions): Promise<ClusterReport> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const found = findKubeconfig(opts);
  if ('status' in found) return { checks: [found] };
  let conn: ClusterConnection;
  try {
    conn = loadKubeconfig({ path: found.path });
  } catch (err) {
    return { checks: [{ name: 'kubeconfig', status: 'fail', detail: `${found.path}: ${(err as Error).message}` }] };
  }
  const checks: CheckResult[] = [{ name: 'kubeconfig', status: 'ok', detail: `${found.path} (${found.how}), context ${conn.context}, server ${conn.server}` }];
  if (conn.cert) checks.push(certificateCheck('client cert', conn.cert, now()));

  const url = new URL(conn.server);
  const handshake = url.protocol === 'https:' ? await tlsHandshake(conn, url, timeoutMs) : await tcpConnect(url, timeoutMs);
  if (handshake.error) {
    checks.push(unreachable(url, handshake.error, timeoutMs));
    return { checks };
  }
  let trusted = true;
  if (url.protocol === 'https:' && handshake.peer) {
    const c = certificateCheck('server cert', handshake.peer, now());
    trusted = handshake.authorized === true || conn.insecureSkipTLSVerify === true;
    if (handshake.authorized) c.detail += ', trusted by the kubeconfig CA';
    else if (conn.insecureSkipTLSVerify) {
      c.detail += `, NOT verified (insecure-skip-tls-verify; it would fail: ${handshake.authorizationError})`;
      if (c.status === 'ok') c.status = 'warn';
      c.hint ??= 'put the cluster CA in the kubeconfig (certificate-authority-data) instead of skipping verification';
    } else {
      c.status = 'fail';
      c.detail += `, NOT trusted: ${handshake.authorizationError}`;
      c.hint = 'the kubeconfig CA does not match the server, or the server address is not in its certificate; use the admin.kubeconfig the server wrote';
    }
    checks.push(c);
  } else if (url.protocol === 'http:') {
    checks.push({ name: 'server cert', status: 'warn', detail: `${url.origin} is plain HTTP: no certificate, traffic and credentials are not encrypted` });
  }
  if (!trusted) {
    checks.push({ name: 'server', status: 'fail', detail: `${url.host} accepts connections, but its certificate is not trusted, so no request was sent with your credentials` });
    return { checks };
  }

  let readyz: HttpResult;
  try {
    readyz = await get(conn, url, '/readyz', timeoutMs, now);
  } catch (err) {
    checks.push(unreachable(url, err as NodeJS.ErrnoException, timeoutMs));
    return { checks };
  }
  const version = await get(conn, url, '/version', timeoutMs, now).then(
    (r) => (r.status === 200 ? (JSON.parse(r.body) as { gitVersion?: string }).gitVersion : undefined),
    () => undefined,
  );
  const rtt = readyz.receivedAt - readyz.sentAt;
  const about = `${version ? `${version}, ` : ''}${rtt} ms`;
  if (readyz.status === 200) checks.push({ name: 'server', status: 'ok', detail: `${url.origin} is ready (/readyz ok, ${about})` });
  else {
    const failed = readyz.body.split('\n').filter((l) => l.startsWith('[-]')).map((l) => l.slice(3).split(' ')[0]);
    checks.push({
      name: 'server',
      status: 'warn',
      detail: `${url.origin} answers but is not ready: /readyz ${readyz.status}${failed.length ? ` (failing: ${failed.join(', ')})` : ''} (${about})`,
      hint: 'a server that just started becomes ready within seconds; otherwise see its log',
    });
  }
  checks.push(await credentialsCheck(conn, url, timeoutMs, now));
  checks.push(clockCheck(readyz));
  return { checks, reachable: url };
}

function unreachable(url: URL, err: NodeJS.ErrnoException, timeoutMs: number): CheckResult {
  const where = url.host;
  const start = 'start it with `skiff up` (or `skiff server`), or point --kubeconfig at a running cluster';
  switch (err.code) {
    case 'ECONNREFUSED':
      return { name: 'server', status: 'fail', detail: `nothing listens at ${where} (connection refused)`, hint: start };
    case 'ETIMEDOUT':
      return { name: 'server', status: 'fail', detail: `no answer from ${where} within ${timeoutMs / 1000} s`, hint: 'is the address right, and does a firewall let it through?' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { name: 'server', status: 'fail', detail: `cannot resolve ${url.hostname} (${err.code})`, hint: 'fix the server address in the kubeconfig' };
    default:
      return { name: 'server', status: 'fail', detail: `cannot reach ${where}: ${err.code ? `${err.code}: ` : ''}${err.message}` };
  }
}

/** Validity window, days left and names of a certificate, judged at `nowMs`. */
export function certificateCheck(name: string, certOrPem: X509Certificate | Buffer | string, nowMs: number): CheckResult {
  let cert: X509Certificate;
  try {
    cert = certOrPem instanceof X509Certificate ? certOrPem : new X509Certificate(certOrPem);
  } catch (err) {
    return { name, status: 'fail', detail: `not a readable X.509 certificate: ${(err as Error).message}` };
  }
  const subject = cert.subject.replace(/\n/g, ', ');
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const names = (cert.subjectAltName ?? '').split(', ').filter(Boolean).map((n) => n.replace(/^(IP Address|DNS):/, ''));
  const sans = names.length ? `, names ${names.slice(0, 4).join(', ')}${names.length > 4 ? ` (+${names.length - 4} more)` : ''}` : '';
  if (nowMs < from) {
    return { name, status: 'fail', detail: `${subject} is not valid until ${cert.validFrom}`, hint: 'a certificate from the future usually means the local clock is behind: check the clock' };
  }
  if (nowMs >= to) {
    return { name, status: 'fail', detail: `${subject} expired on ${day(to)} (${Math.floor((nowMs - to) / DAY_MS)} days ago)`, hint: 'restart `skiff up`/`skiff server` to re-issue the server certificate; get a new client certificate or admin.kubeconfig' };
  }
  const days = Math.floor((to - nowMs) / DAY_MS);
  const detail = `${subject}, valid until ${day(to)} (${days} days left)${sans}`;
  if (days < CERT_WARN_DAYS) return { name, status: 'warn', detail, hint: `expires in under ${CERT_WARN_DAYS} days: a server restart renews its own certificate; renew client certificates before then` };
  return { name, status: 'ok', detail };
}

interface Handshake {
  error?: NodeJS.ErrnoException;
  peer?: X509Certificate;
  authorized?: boolean;
  authorizationError?: string;
}

/**
 * A TLS handshake that does not reject: we want to see the certificate even when it is
 * wrong, and say why. No credentials are sent on this connection.
 */
function tlsHandshake(conn: ClusterConnection, url: URL, timeoutMs: number): Promise<Handshake> {
  return new Promise((res) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const servername = conn.tlsServerName ?? (isIP(host) ? undefined : host);
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      ...(conn.ca ? { ca: conn.ca } : {}),
      ...(servername ? { servername } : {}),
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const done = (h: Handshake): void => {
      socket.destroy();
      res(h);
    };
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      const authorizationError = socket.authorizationError ? String((socket.authorizationError as NodeJS.ErrnoException).code ?? socket.authorizationError) : undefined;
      done({ authorized: socket.authorized, ...(peer ? { peer } : {}), ...(authorizationError ? { authorizationError } : {}) });
    });
    socket.once('timeout', () => done({ error: Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }) }));
    socket.once('error', (err) => done({ error: err }));
  });
}

function tcpConnect(url: URL, timeoutMs: number): Promise<Handshake> {
  return new Promise((res) => {
    const req = http.request({ host: url.hostname, port: Number(url.port || 80), method: 'HEAD', path: '/', timeout: timeoutMs, agent: false }, (r) => {
      r.resume();
      res({});
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.once('error', (err) => res({ error: err }));
    req.end();
  });
}

interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  sentAt: number;
  receivedAt: number;
}

/** One GET with the kubeconfig's credentials and full verification (a fresh connection). */
function get(conn: ClusterConnection, base: URL, path: string, timeoutMs: number, now: () => number): Promise<HttpResult> {
  return new Promise((res, rej) => {
    const headers: Record<string, string> = { 'user-agent': 'skiff-doctor', accept: 'application/json, */*' };
    if (conn.token) headers.authorization = `Bearer ${conn.token}`;
    else if (conn.username !== undefined && conn.password !== undefined) headers.authorization = `Basic ${Buffer.from(`${conn.username}:${conn.password}`).toString('base64')}`;
    const tlsOpts = {
      ...(conn.ca ? { ca: conn.ca } : {}),
      ...(conn.cert ? { cert: conn.cert } : {}),
      ...(conn.key ? { key: conn.key } : {}),
      ...(conn.tlsServerName ? { servername: conn.tlsServerName } : {}),
      rejectUnauthorized: conn.insecureSkipTLSVerify !== true,
    };
    const sentAt = now();
    const mod = base.protocol === 'https:' ? https : http;
    const req = mod.request(new URL(path, base), { method: 'GET', headers, agent: false, timeout: timeoutMs, ...(base.protocol === 'https:' ? tlsOpts : {}) }, (r) => {
      const receivedAt = now();
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => {
        if (body.length < 65536) body += d; // enough for /readyz and /version
      });
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body, sentAt, receivedAt }));
      r.on('error', rej);
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.once('error', rej);
    req.end();
  });
}

/** GET /api needs an authenticated user: 401 means the kubeconfig's credentials are refused. */
async function credentialsCheck(conn: ClusterConnection, url: URL, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const how = conn.cert ? `client certificate ${subjectOf(conn.cert)}` : conn.token ? 'bearer token' : conn.username !== undefined ? `basic auth as ${conn.username}` : 'no credentials';
  let r: HttpResult;
  try {
    r = await get(conn, url, '/api', timeoutMs, now);
  } catch (err) {
    return { name: 'credentials', status: 'fail', detail: `GET /api failed: ${(err as Error).message}` };
  }
  if (r.status === 200) return { name: 'credentials', status: 'ok', detail: `${how} accepted` };
  if (r.status === 401) return { name: 'credentials', status: 'fail', detail: `${how} rejected (401 Unauthorized)`, hint: 'the certificate or token is not (or no longer) valid for this cluster; use the admin.kubeconfig the server wrote' };
  if (r.status === 403) return { name: 'credentials', status: 'warn', detail: `${how} authenticated, but not allowed to read /api (403 Forbidden)` };
  return { name: 'credentials', status: 'warn', detail: `GET /api answered ${r.status}` };
}

function subjectOf(pem: Buffer): string {
  try {
    return new X509Certificate(pem).subject.replace(/\n/g, ', ');
  } catch {
    return '(unreadable)';
  }
}

/**
 * Local clock against the server's `Date` header. The header has whole seconds, so the
 * server's time is taken as its middle (+0.5 s) and ours as the request's midpoint.
 */
export function clockCheck(r: { headers: IncomingHttpHeaders; sentAt: number; receivedAt: number }): CheckResult {
  const date = r.headers.date ? Date.parse(r.headers.date) : NaN;
  if (Number.isNaN(date)) return { name: 'clock', status: 'warn', detail: 'the server sent no Date header, so the clocks cannot be compared' };
  const skew = (r.sentAt + r.receivedAt) / 2 - (date + 500);
  const s = Math.abs(skew) / 1000;
  if (Math.abs(skew) <= 1000) return { name: 'clock', status: 'ok', detail: `local clock agrees with the server's within 1 s (Date: ${r.headers.date})` };
  const detail = `local clock is ${s.toFixed(1)} s ${skew > 0 ? 'ahead of' : 'behind'} the server's (Date: ${r.headers.date})`;
  if (Math.abs(skew) <= MAX_SKEW_MS) return { name: 'clock', status: 'ok', detail };
  return { name: 'clock', status: 'warn', detail, hint: `skew over ${MAX_SKEW_MS / 1000} s breaks leases, token expiry and certificate checks: sync both machines with NTP (chrony, systemd-timesyncd)` };
}
