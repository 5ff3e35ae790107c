/**
 * The cluster's PKI: a CA created on first start, a server certificate whose SANs cover
 * every address served, and client certificates (CN = user, O = groups) as Kubernetes'
 * x509 authenticator reads them.
 *
 * Keys are ECDSA P-256 with SHA-256 signatures: accepted by Go's crypto/tls (kubectl),
 * Node's TLS (client-node) and OpenSSL, and fast to generate. Private keys are PKCS#8
 * PEM ("PRIVATE KEY"), which both Go's tls.X509KeyPair and Node read.
 */
import { createPrivateKey, webcrypto, X509Certificate as NodeX509, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import './reflect-polyfill.js';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
  key: CryptoKey;
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

async function newKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f; // positive
  return b.toString('hex');
}

/** Creates a new self-signed CA (10 years). `now` is injectable for tests. */
export async function createCa(commonName = 'skiff-ca', now = new Date()): Promise<CertificateAuthority> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: [{ CN: [`${commonName}@${Math.floor(now.getTime() / 1000)}`] }],
      notBefore: new Date(now.getTime() - 3600 * 1000),
      notAfter: new Date(now.getTime() + 3650 * DAY_MS),
      signingAlgorithm: SIGN_ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey), cert, key: keys.privateKey };
}

/** Loads a CA from its PEM files' contents. Throws if they don't parse or don't match. */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const key = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), KEY_ALG, true, ['sign']);
  const nodeCert = new NodeX509(certPem);
  if (!nodeCert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('ca.key does not match ca.crt');
  return { certPem, keyPem, cert, key };
}

interface IssueParams {
  subject: x509.JsonName;
  days: number;
  usages: x509.ExtendedKeyUsage[];
  sans?: Sans;
  now?: Date;
}

async function issue(ca: CertificateAuthority, p: IssueParams): Promise<CertAndKey> {
  const keys = await newKeyPair();
  const cert = await signCertificate(ca, p, keys.publicKey);
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

async function signCertificate(ca: CertificateAuthority, p: IssueParams, publicKey: CryptoKey | x509.PublicKey): Promise<x509.X509Certificate> {
  const now = p.now ?? new Date();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(p.usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey, false, crypto),
  ];
  if (p.sans) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...p.sans.dns.map((value) => ({ type: 'dns' as const, value })),
        ...p.sans.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: p.subject,
      issuer: ca.cert.subjectName,
      notBefore: new Date(now.getTime() - 3600 * 1000),
      notAfter: new Date(now.getTime() + p.days * DAY_MS),
      signingAlgorithm: SIGN_ALG,
      publicKey,
      signingKey: ca.key,
      extensions,
    },
    crypto,
  );
}

/** A serving certificate for `sans` (1 year); CN is the first DNS name. */
export async function issueServerCertificate(ca: CertificateAuthority, sans: Sans, now?: Date): Promise<CertAndKey> {
  return issue(ca, {
    subject: [{ CN: [sans.dns[0] ?? 'skiff'] }],
    days: 365,
    usages: [x509.ExtendedKeyUsage.serverAuth],
    sans,
    ...(now ? { now } : {}),
  });
}

/**
 * A client certificate as Kubernetes' x509 authenticator reads it: CN = user name,
 * one O per group. For the admin, kubelets and agents.
 */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  opts: { user: string; groups?: string[]; days?: number; now?: Date },
): Promise<CertAndKey> {
  const subject: x509.JsonName = [{ CN: [opts.user] }];
  for (const g of opts.groups ?? []) subject.push({ O: [g] });
  return issue(ca, {
    subject,
    days: opts.days ?? 365,
    usages: [x509.ExtendedKeyUsage.clientAuth],
    ...(opts.now ? { now: opts.now } : {}),
  });
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
  const request = new x509.Pkcs10CertificateRequest(requestPem);
  if (!(await request.verify(crypto))) throw new Error('the certificate request signature does not verify');
  const subject: x509.JsonName = [{ CN: [opts.user] }];
  for (const g of opts.groups ?? []) subject.push({ O: [g] });
  const params: IssueParams = { subject, days: opts.days ?? 365, usages: [x509.ExtendedKeyUsage.clientAuth], ...(opts.now ? { now: opts.now } : {}) };
  return (await signCertificate(ca, params, request.publicKey)).toString('pem');
}

/** A new key pair and a PKCS#10 request for it (a joining node's side). */
export async function createCertificateRequest(commonName: string): Promise<{ requestPem: string; keyPem: string }> {
  const keys = await newKeyPair();
  const request = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: SIGN_ALG }, crypto);
  return { requestPem: request.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
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
