/**
 * X.509 v3 certificates (RFC 5280) built with node:crypto and a small DER writer, so the
 * API server and kubelet need no ASN.1 library to start: ECDSA P-256 keys, SHA-256
 * signatures, the extensions Kubernetes' PKI uses.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from '../../machinery/der.js';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

export const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/** A distinguished name as an ordered list of attributes, e.g. [{ CN: 'admin' }, { O: 'system:masters' }]. */
export type NameAttrs = Array<{ CN: string } | { O: string }>;

/** DER of a Name: one RDN (a SET of one attribute) per entry, values as UTF8String. */
export function encodeName(attrs: NameAttrs): Buffer {
  return der.seq(
    ...attrs.map((a) => ('CN' in a ? der.set(der.seq(der.oid(OID.commonName), der.utf8(a.CN))) : der.set(der.seq(der.oid(OID.organization), der.utf8(a.O))))),
  );
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits of a DER SubjectPublicKeyInfo. */
export function keyIdentifier(spki: Buffer): Buffer {
  const [, key] = der.children(spki, der.read(spki, 0));
  if (!key || key.tag !== 0x03) throw new Error('not a SubjectPublicKeyInfo');
  return createHash('sha1').update(spki.subarray(key.body + 1, key.end)).digest();
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.seq(der.oid(id), ...(critical ? [der.bool(true)] : []), der.octets(value));
}

/** The 4 or 16 address bytes of an iPAddress SAN. */
export function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  if (isIP(ip) !== 6) throw new Error(`not an IP address: ${ip}`);
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two more hex groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const hex = (a: string, b: string): string => ((Number(a) << 8) | Number(b)).toString(16);
  const text = v4 ? `${ip.slice(0, v4.index)}${hex(v4[1] as string, v4[2] as string)}:${hex(v4[3] as string, v4[4] as string)}` : ip;
  const [head = '', tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export interface CertificateTemplate {
  /** Positive serial number, big-endian. */
  serial: Buffer;
  subject: Buffer;
  issuer: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** DER SubjectPublicKeyInfo of the certified key. */
  spki: Buffer;
  ca: boolean;
  keyUsage: number[];
  extKeyUsage?: string[];
  sans?: { dns: string[]; ips: string[]; emails?: string[]; uris?: string[] };
  /** The issuer's subject key identifier, as the authority key identifier. */
  authorityKeyId?: Buffer;
  /** The issuer's private key (ECDSA P-256). */
  signingKey: KeyObject;
}

/** SubjectAltName GeneralNames in Go's order: DNS names, emails, IPs, URIs. */
function generalNames(sans: NonNullable<CertificateTemplate['sans']>): Buffer[] {
  return [
    ...sans.dns.map((d) => der.implicit(2, Buffer.from(d, 'ascii'))),
    ...(sans.emails ?? []).map((e) => der.implicit(1, Buffer.from(e, 'ascii'))),
    ...sans.ips.map((ip) => der.implicit(7, ipBytes(ip))),
    ...(sans.uris ?? []).map((u) => der.implicit(6, Buffer.from(u, 'ascii'))),
  ];
}

/** Signs a certificate; returns its DER. */
export function buildCertificate(t: CertificateTemplate): Buffer {
  const exts = [
    extension(OID.basicConstraints, true, t.ca ? der.seq(der.bool(true)) : der.seq()),
    // Go leaves the extension out when no key usage is asked for (a client certificate of a CSR asking only "client auth").
    ...(t.keyUsage.length > 0 ? [extension(OID.keyUsage, true, der.namedBits(t.keyUsage))] : []),
    ...(t.extKeyUsage ? [extension(OID.extKeyUsage, false, der.seq(...t.extKeyUsage.map(der.oid)))] : []),
    ...(t.ca ? [extension(OID.subjectKeyId, false, der.octets(keyIdentifier(t.spki)))] : []),
    ...(t.authorityKeyId ? [extension(OID.authorityKeyId, false, der.seq(der.implicit(0, t.authorityKeyId)))] : []),
    ...(t.sans && generalNames(t.sans).length > 0 ? [extension(OID.subjectAltName, false, der.seq(...generalNames(t.sans)))] : []),
  ];
  const sigAlg = der.seq(der.oid(OID.ecdsaWithSha256));
  const tbs = der.seq(
    der.explicit(0, der.uint(Buffer.from([2]))),
    der.uint(t.serial),
    sigAlg,
    t.issuer,
    der.seq(der.time(t.notBefore), der.time(t.notAfter)),
    t.subject,
    t.spki,
    der.explicit(3, der.seq(...exts)),
  );
  return der.seq(tbs, sigAlg, der.bits(sign('sha256', tbs, t.signingKey)));
}

export function toPem(derBytes: Buffer, label: string): string {
  const b64 = derBytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** The subject Name (DER, as-is) and subject key identifier (if any) of a certificate. */
export function certificateIdentity(certDer: Buffer): { subject: Buffer; subjectKeyId?: Buffer } {
  const [tbsNode] = der.children(certDer, der.read(certDer, 0));
  if (!tbsNode) throw new Error('not a certificate');
  const fields = der.children(certDer, tbsNode);
  // version [0] is optional: subject is the 5th field after it.
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[base + 4];
  if (!subject) throw new Error('certificate has no subject');
  let subjectKeyId: Buffer | undefined;
  const extsNode = fields.find((f) => f.tag === 0xa3);
  if (extsNode) {
    const [list] = der.children(certDer, extsNode);
    for (const e of list ? der.children(certDer, list) : []) {
      const parts = der.children(certDer, e);
      const id = parts[0] && der.oidText(der.content(certDer, parts[0]));
      const value = parts[parts.length - 1];
      if (id === OID.subjectKeyId && value) {
        const inner = der.content(certDer, value);
        subjectKeyId = Buffer.from(der.content(inner, der.read(inner, 0)));
      }
    }
  }
  return { subject: Buffer.from(der.raw(certDer, subject)), ...(subjectKeyId ? { subjectKeyId } : {}) };
}
