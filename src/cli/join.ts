/**
 * The agent's half of joining with a token (`skiff agent --server URL --token K10…`):
 * 1. fetch the server's CA from `/cacerts` without trusting it yet, and accept it only if
 *    its sha256 is the hash the token carries (so a token cannot be replayed against an
 *    impostor, and the impostor cannot pose as the cluster);
 * 2. over TLS verified with that CA, send a certificate request for a key made here,
 *    authenticated by the token's `<id>.<secret>`;
 * 3. write `<dataDir>/kubelet.kubeconfig` with the node's certificate. Later starts reuse
 *    it, so the token is needed only once (it may expire afterwards).
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { caHash, parseTokenRef } from '../apiserver/authn/bootstrap-token-format.js';
import { writeKubeconfig } from '../apiserver/kubeconfig.js';
import { CA_CERTS_PATH, NODE_CERTIFICATE_PATH } from '../apiserver/node-join.js';
import { createCertificateRequest } from '../apiserver/tls/pki.js';
import { parseKubeconfig } from '../client/kubeconfig.js';

/** A join that cannot succeed; its message is meant for the user as is. */
export class JoinError extends Error {}

export interface JoinOptions {
  server: string;
  token: string;
  nodeName: string;
  dataDir: string;
  /** Per-request deadline (default 10 s). */
  timeoutMs?: number;
}

export function kubeletKubeconfigPath(dataDir: string): string {
  return join(dataDir, 'kubelet.kubeconfig');
}

/** Joins (or reuses an earlier join's kubeconfig for the same server and node); resolves to the kubeconfig path. */
export async function joinCluster(o: JoinOptions): Promise<string> {
  const path = kubeletKubeconfigPath(o.dataDir);
  if (reusable(path, o.server, o.nodeName)) return path;
  const token = parseTokenRef(o.token);
  if (!token || !token.secret) throw new JoinError('the token is not a join token: expected K10<ca hash>::<id>.<secret> as printed by `skiff token create`');
  if (!token.caHash) throw new JoinError('the token has no CA hash: use the full K10<ca hash>::<id>.<secret> form printed by `skiff token create`');
  const base = o.server.replace(/\/+$/, '');
  const timeoutMs = o.timeoutMs ?? 10_000;

  const caPem = (await send(base + CA_CERTS_PATH, { method: 'GET', timeoutMs, trust: 'none' })).body;
  const got = caHash(caPem);
  if (got !== token.caHash) {
    throw new JoinError(`the server's CA does not match the token (token pins sha256 ${token.caHash.slice(0, 16)}…, server has ${got.slice(0, 16)}…): wrong server, or a token from another cluster`);
  }

  const { requestPem, keyPem } = await createCertificateRequest(`system:node:${o.nodeName}`);
  const res = await send(base + NODE_CERTIFICATE_PATH, {
    method: 'POST',
    timeoutMs,
    trust: caPem,
    headers: { authorization: `Bearer ${token.id}.${token.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ nodeName: o.nodeName, certificateRequest: requestPem }),
  });
  if (res.status === 401) throw new JoinError(`the server refused the token ${token.id}: it is wrong, expired or deleted (\`skiff token list\` on the server shows the valid ones)`);
  if (res.status !== 201) throw new JoinError(`the server did not issue a node certificate (HTTP ${res.status}): ${statusMessage(res.body)}`);
  const { certificate } = JSON.parse(res.body) as { certificate: string };
  writeKubeconfig(path, { server: base, caPem, user: `system:node:${o.nodeName}`, clientCertPem: certificate, clientKeyPem: keyPem });
  return path;
}

/** An earlier join for this server and node whose certificate is still valid for a day. */
function reusable(path: string, server: string, nodeName: string): boolean {
  if (!existsSync(path)) return false;
  try {
    const conn = parseKubeconfig(readFileSync(path, 'utf8'));
    if (conn.server.replace(/\/+$/, '') !== server.replace(/\/+$/, '') || !conn.cert) return false;
    const cert = new X509Certificate(conn.cert);
    return cert.subject.includes(`CN=system:node:${nodeName}`) && Date.parse(cert.validTo) > Date.now() + 24 * 3600_000;
  } catch {
    return false;
  }
}

function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

interface SendOptions {
  method: 'GET' | 'POST';
  timeoutMs: number;
  /** 'none' = accept any certificate (only to fetch the CA, which is then checked by hash). */
  trust: 'none' | string;
  headers?: Record<string, string>;
  body?: string;
}

function send(url: string, o: SendOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const tls = o.trust === 'none' ? { rejectUnauthorized: false } : { ca: o.trust, rejectUnauthorized: true };
    const req = request(url, { method: o.method, headers: o.headers ?? {}, timeout: o.timeoutMs, ...tls }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on('error', (err) => reject(new JoinError(`cannot reach the server at ${url}: ${err.message}`)));
    req.end(o.body);
  });
}
