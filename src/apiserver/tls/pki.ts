/**
 * The cluster's PKI: a CA created on first start, a server certificate whose SANs cover
 * every address served, and client certificates (CN = user, O = groups) as Kubernetes'
 * x509 authenticator reads them.
 *
 * Keys are ECDSA P-256 with SHA-256 signatures: accepted by Go's crypto/tls (kubectl),
 * Node's TLS (client-node) and OpenSSL, and fast to generate. Private keys are PKCS#8
 * PEM ("PRIVATE KEY"), which both Go's tls.X509KeyPair and Node read.
 */
import { createPrivateKey, generateKeyPairSync, webcrypto, randomBytes, X509Certificate as NodeX509, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { buildCertificate, certificateIdentity, encodeName, EKU, KU, toPem, type NameAttrs } from './cert-builder.js';

const DAY_MS = 24 * 3600 * 1000;

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  key: KeyObject;
  /** The CA certificate's subject Name (DER), the issuer of what it signs. */
  subject: Buffer;
  /** Its subject key identifier, given as authority key identifier to what it signs. */
  keyId?: Buffer;
}

export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

/** Subject alternative names: DNS names and IP addresses. */
export interface Sans {
  dns: string[];
  ips: string[];
}

function newKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

const privateKeyPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;
const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

function serial(): Buffer {
  const b = randomBytes(16);
  b[0] = ((b[0] as number) & 0x7f) | 0x01; // positive, and never a leading zero
  return b;
}

/** Creates a new self-signed CA (10 years). `now` is injectable for tests. */
export async function createCa(commonName = 'skiff-ca', now = new Date()): Promise<CertificateAuthority> {
  const keys = newKeyPair();
  const subject = encodeName([{ CN: `${commonName}@${Math.floor(now.getTime() / 1000)}` }]);
  const certDer = buildCertificate({
    serial: serial(),
    subject,
    issuer: subject,
    notBefore: new Date(now.getTime() - 3600 * 1000),
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    spki: spkiOf(keys.publicKey),
    ca: true,
    keyUsage: [KU.keyCertSign, KU.cRLSign, KU.digitalSignature],
    signingKey: keys.privateKey,
  });
  const id = certificateIdentity(certDer);
  return { certPem: toPem(certDer, 'CERTIFICATE'), keyPem: privateKeyPem(keys.privateKey), key: keys.privateKey, subject: id.subject, ...(id.subjectKeyId ? { keyId: id.subjectKeyId } : {}) };
}

/** Loads a CA from its PEM files' contents. Throws if they don't parse or don't match. */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const nodeCert = new NodeX509(certPem);
  const key = createPrivateKey(keyPem);
  if (!nodeCert.checkPrivateKey(key)) throw new Error('ca.key does not match ca.crt');
  const id = certificateIdentity(nodeCert.raw);
  return { certPem, keyPem, key, subject: id.subject, ...(id.subjectKeyId ? { keyId: id.subjectKeyId } : {}) };
}

interface IssueParams {
  subject: NameAttrs;
  days: number;
  usages: string[];
  sans?: Sans;
  now?: Date;
}

async function issue(ca: CertificateAuthority, p: IssueParams): Promise<CertAndKey> {
  const keys = newKeyPair();
  const certDer = signCertificate(ca, p, spkiOf(keys.publicKey));
  return { certPem: toPem(certDer, 'CERTIFICATE'), keyPem: privateKeyPem(keys.privateKey) };
}

function signCertificate(ca: CertificateAuthority, p: IssueParams, spki: Buffer): Buffer {
  const now = p.now ?? new Date();
  return buildCertificate({
    serial: serial(),
    subject: encodeName(p.subject),
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - 3600 * 1000),
    notAfter: new Date(now.getTime() + p.days * DAY_MS),
    spki,
    ca: false,
    keyUsage: [KU.digitalSignature, KU.keyEncipherment],
    extKeyUsage: p.usages,
    ...(p.sans ? { sans: p.sans } : {}),
    ...(ca.keyId ? { authorityKeyId: ca.keyId } : {}),
    signingKey: ca.key,
  });
}

/** A serving certificate for `sans` (1 year); CN is the first DNS name. */
export async function issueServerCertificate(ca: CertificateAuthority, sans: Sans, now?: Date): Promise<CertAndKey> {
  return issue(ca, {
    subject: [{ CN: sans.dns[0] ?? 'skiff' }],
    days: 365,
    usages: [EKU.serverAuth],
    sans,
    ...(now ? { now } : {}),
  });
}

const userName = (user: string, groups: readonly string[] = []): NameAttrs => [{ CN: user }, ...groups.map((O) => ({ O }))];

/**
 * A client certificate as Kubernetes' x509 authenticator reads it: CN = user name,
 * one O per group. For the admin, kubelets and agents.
 */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  opts: { user: string; groups?: string[]; days?: number; now?: Date },
): Promise<CertAndKey> {
  return issue(ca, {
    subject: userName(opts.user, opts.groups),
    days: opts.days ?? 365,
    usages: [EKU.clientAuth],
    ...(opts.now ? { now: opts.now } : {}),
  });
}

/**
 * PKCS#10 requests need an ASN.1 library; only node joining uses them, so it loads on
 * first use instead of with every server (it is most of the server's start-up imports).
 */
async function x509Lib(): Promise<typeof import('@peculiar/x509')> {
  await import('./reflect-polyfill.js');
  return import('@peculiar/x509');
}

/**
 * A client certificate for the key in a PKCS#10 request (the requester keeps its private
 * key): the request's signature must verify; its subject is ignored — the CA decides it.
 * Throws on a malformed or badly signed request.
 */
export async function issueClientCertificateForRequest(
  ca: CertificateAuthority,
  requestPem: string,
  opts: { user: string; groups?: string[]; days?: number; now?: Date },
): Promise<string> {
  const x509 = await x509Lib();
  const request = new x509.Pkcs10CertificateRequest(requestPem);
  if (!(await request.verify(webcrypto))) throw new Error('the certificate request signature does not verify');
  const spki = Buffer.from(request.publicKey.rawData);
  const params: IssueParams = { subject: userName(opts.user, opts.groups), days: opts.days ?? 365, usages: [EKU.clientAuth], ...(opts.now ? { now: opts.now } : {}) };
  return toPem(signCertificate(ca, params, spki), 'CERTIFICATE');
}

/** What a signer grants a certificate request: its subject, key and names, with the usages and validity it decided. */
export interface RequestedCertificate {
  /** Subject Name (DER), copied from the request. */
  subject: Buffer;
  /** SubjectPublicKeyInfo (DER) of the requester's key. */
  publicKey: Buffer;
  sans: Sans & { emails: string[]; uris: string[] };
  keyUsage: number[];
  extKeyUsage: string[];
  notBefore: Date;
  notAfter: Date;
}

/** Signs a certificate for a request the API approved (the csrsigning controller); returns its PEM. */
export function signRequestedCertificate(ca: CertificateAuthority, r: RequestedCertificate): string {
  const certDer = buildCertificate({
    serial: serial(),
    subject: r.subject,
    issuer: ca.subject,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    spki: r.publicKey,
    ca: false,
    keyUsage: r.keyUsage,
    extKeyUsage: r.extKeyUsage,
    sans: r.sans,
    ...(ca.keyId ? { authorityKeyId: ca.keyId } : {}),
    signingKey: ca.key,
  });
  return toPem(certDer, 'CERTIFICATE');
}

/** A new key pair and a PKCS#10 request for it (a joining node's side). */
export async function createCertificateRequest(commonName: string): Promise<{ requestPem: string; keyPem: string }> {
  const x509 = await x509Lib();
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const request = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } }, webcrypto);
  const keyPem = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { requestPem: request.toString('pem'), keyPem };
}

/** Canonical text of an IP address, so SAN sets compare equal whatever the notation. */
export function canonicalIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head, tail] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const last = (t.length ? t : h)[(t.length ? t : h).length - 1] ?? '';
  const v4 = isIP(last) === 4 ? last.split('.').map(Number) : undefined;
  if (v4) {
    const hex = [((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number)].map((n) => n.toString(16));
    if (t.length) t.splice(t.length - 1, 1, ...hex);
    else h.splice(h.length - 1, 1, ...hex);
  }
  const fill = tail !== undefined ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => parseInt(g || '0', 16).toString(16)).join(':');
}

/**
 * Whether `certPem` is a usable serving certificate: signed by `ca`, valid for at least
 * another 30 days, and covering every SAN in `want`.
 */
export function serverCertificateFits(certPem: string, ca: CertificateAuthority, want: Sans, now = new Date()): boolean {
  let cert: NodeX509;
  try {
    cert = new NodeX509(certPem);
  } catch {
    return false;
  }
  if (!cert.checkIssued(new NodeX509(ca.certPem)) || !cert.verify(new NodeX509(ca.certPem).publicKey)) return false;
  if (new Date(cert.validTo).getTime() - now.getTime() < 30 * DAY_MS) return false;
  const have = new Set<string>();
  for (const entry of (cert.subjectAltName ?? '').split(/,\s*/)) {
    const m = /^(DNS|IP Address):(.*)$/.exec(entry.trim());
    if (m?.[1] === 'DNS') have.add(`dns:${(m[2] as string).toLowerCase()}`);
    else if (m?.[1] === 'IP Address') have.add(`ip:${canonicalIp(m[2] as string)}`);
  }
  return (
    want.dns.every((d) => have.has(`dns:${d.toLowerCase()}`)) && want.ips.every((ip) => have.has(`ip:${canonicalIp(ip)}`))
  );
}
