/**
 * The server's half of joining a node with a token (k3s's flow, skiff's paths):
 * - `GET /cacerts` (anonymous): the cluster CA exactly as the `K10<sha256>` token hashes
 *   it, so the node can check it is talking to the cluster the token belongs to;
 * - `POST /v1-skiff/node-certificate` (a bootstrap token, or an admin): body
 *   `{"nodeName": "...", "certificateRequest": "<PKCS#10 PEM>"}`; answers 201 with
 *   `{"certificate": "<PEM>"}` for CN=system:node:<nodeName>, O=system:nodes — the
 *   identity a kubelet has in Kubernetes. The private key never leaves the node.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../machinery/status.js';
import { isDNS1123Subdomain } from '../machinery/names.js';
import { writeJson, writeText } from './http/respond.js';
import { methodNotAllowed } from './http/status.js';
import { readBody } from './resources/body.js';
import { issueClientCertificateForRequest, type CertificateAuthority } from './tls/pki.js';

export const CA_CERTS_PATH = '/cacerts';
export const NODE_CERTIFICATE_PATH = '/v1-skiff/node-certificate';
export const NODES_GROUP = 'system:nodes';
const MAX_REQUEST_BYTES = 64 * 1024;

export function isNodeJoinPath(path: string): boolean {
  return path === CA_CERTS_PATH || path === NODE_CERTIFICATE_PATH;
}

export async function serveNodeJoin(req: IncomingMessage, res: ServerResponse, path: string, ca: CertificateAuthority): Promise<void> {
  if (path === CA_CERTS_PATH) {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    return writeText(res, 200, ca.certPem, 'application/x-pem-file');
  }
  if (req.method !== 'POST') throw methodNotAllowed();
  const { nodeName, certificateRequest } = parseJoinRequest((await readBody(req, MAX_REQUEST_BYTES)).toString('utf8'));
  let certificate: string;
  try {
    certificate = await issueClientCertificateForRequest(ca, certificateRequest, { user: `system:node:${nodeName}`, groups: [NODES_GROUP] });
  } catch (err) {
    throw badRequest(`invalid certificateRequest: ${err instanceof Error ? err.message : String(err)}`);
  }
  writeJson(res, 201, { certificate });
}

function parseJoinRequest(text: string): { nodeName: string; certificateRequest: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('the body must be JSON: {"nodeName": "...", "certificateRequest": "<PEM>"}');
  }
  const { nodeName, certificateRequest } = (body ?? {}) as Record<string, unknown>;
  if (typeof nodeName !== 'string' || isDNS1123Subdomain(nodeName).length > 0) throw badRequest('nodeName must be a DNS-1123 subdomain (lower case, digits, "-" and ".")');
  if (typeof certificateRequest !== 'string' || !certificateRequest.includes('CERTIFICATE REQUEST')) throw badRequest('certificateRequest must be a PEM "CERTIFICATE REQUEST"');
  return { nodeName, certificateRequest };
}
