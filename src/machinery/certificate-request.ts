/**
 * PKCS#10 certificate requests (RFC 2986), read as Kubernetes' certificates API reads
 * them: the first PEM block must be a CERTIFICATE REQUEST, its DER must parse and its
 * self-signature must verify with the key it carries. What the API needs back out of it:
 * the subject (as DER, for the signer to copy, and as CN/O for the admission checks),
 * the public key and the subject alternative names of its extension request.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as der from './der.js';

export interface CertificateRequest {
  /** The subject Name, DER, exactly as requested. */
  subject: Buffer;
  commonName: string;
  organizations: string[];
  /** SubjectPublicKeyInfo, DER. */
  publicKey: Buffer;
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
} as const;

/** Signature algorithms and how Node verifies them (hash, or null for Ed25519). */
const ALGORITHMS: Record<string, { name: string; hash: string | null; ecdsa?: boolean; insecure?: boolean }> = {
  '1.2.840.10045.4.3.2': { name: 'ECDSA-SHA256', hash: 'sha256', ecdsa: true },
  '1.2.840.10045.4.3.3': { name: 'ECDSA-SHA384', hash: 'sha384', ecdsa: true },
  '1.2.840.10045.4.3.4': { name: 'ECDSA-SHA512', hash: 'sha512', ecdsa: true },
  '1.2.840.113549.1.1.11': { name: 'SHA256-RSA', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'SHA384-RSA', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'SHA512-RSA', hash: 'sha512' },
  '1.3.101.112': { name: 'Ed25519', hash: null },
  '1.2.840.113549.1.1.5': { name: 'SHA1-RSA', hash: 'sha1', insecure: true },
  '1.2.840.10045.4.1': { name: 'ECDSA-SHA1', hash: 'sha1', ecdsa: true, insecure: true },
};

/** The first PEM block of `text`, as Go's pem.Decode finds it (undefined when there is none). */
export function firstPemBlock(text: string): { type: string; der: Buffer } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const body = (m[2] as string).split(/\r?\n/).filter((l) => !l.includes(':')).join('');
  if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) return undefined;
  return { type: m[1] as string, der: Buffer.from(body, 'base64') };
}

/** Parses and verifies a PEM certificate request; throws with Go's wording when it is not one. */
export function parseCertificateRequest(pem: string | Buffer): CertificateRequest {
  const block = firstPemBlock(Buffer.isBuffer(pem) ? pem.toString('latin1') : pem);
  if (!block || block.type !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  let parsed: ReturnType<typeof readRequest>;
  try {
    parsed = readRequest(block.der);
  } catch {
    throw new Error('x509: malformed certificate request');
  }
  checkSignature(parsed);
  return parsed.request;
}

function readRequest(buf: Buffer): { request: CertificateRequest; tbs: Buffer; algorithm: string; signature: Buffer } {
  const top = der.read(buf, 0);
  if (top.tag !== 0x30 || top.end !== buf.length) throw new Error('not a SEQUENCE');
  const [info, algorithm, signature] = der.children(buf, top);
  if (!info || !algorithm || !signature || signature.tag !== 0x03) throw new Error('malformed');
  const [version, subject, spki, attributes] = der.children(buf, info);
  if (!version || version.tag !== 0x02 || !subject || subject.tag !== 0x30 || !spki || spki.tag !== 0x30) throw new Error('malformed info');
  const [algOid] = der.children(buf, algorithm);
  if (!algOid || algOid.tag !== 0x06) throw new Error('malformed algorithm');
  const names = readName(buf, subject);
  const sans = attributes && attributes.tag === 0xa0 ? readSans(buf, attributes) : { dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [] };
  const sig = der.content(buf, signature);
  return {
    request: { subject: Buffer.from(der.raw(buf, subject)), ...names, publicKey: Buffer.from(der.raw(buf, spki)), ...sans },
    tbs: der.raw(buf, info),
    algorithm: der.oidText(der.content(buf, algOid)),
    // A BIT STRING's first content octet counts the unused bits (0 for signatures).
    signature: sig.subarray(1),
  };
}

/** CN (the last one, as Go's pkix.Name keeps) and every O of a Name. */
function readName(buf: Buffer, name: der.Node): { commonName: string; organizations: string[] } {
  let commonName = '';
  const organizations: string[] = [];
  for (const rdn of der.children(buf, name)) {
    for (const atv of der.children(buf, rdn)) {
      const [type, value] = der.children(buf, atv);
      if (!type || !value) continue;
      const id = der.oidText(der.content(buf, type));
      const text = der.content(buf, value).toString(value.tag === 0x1e ? 'utf16le' : 'utf8');
      if (id === OID.commonName) commonName = text;
      else if (id === OID.organization) organizations.push(text);
    }
  }
  return { commonName, organizations };
}

/** The subjectAltName extension inside the extensionRequest attribute. */
function readSans(buf: Buffer, attributes: der.Node): Pick<CertificateRequest, 'dnsNames' | 'ipAddresses' | 'emailAddresses' | 'uris'> {
  const out = { dnsNames: [] as string[], ipAddresses: [] as string[], emailAddresses: [] as string[], uris: [] as string[] };
  for (const attr of der.children(buf, attributes)) {
    const [type, values] = der.children(buf, attr);
    if (!type || !values || der.oidText(der.content(buf, type)) !== OID.extensionRequest) continue;
    for (const exts of der.children(buf, values)) {
      for (const ext of der.children(buf, exts)) {
        const parts = der.children(buf, ext);
        const id = parts[0] && der.oidText(der.content(buf, parts[0]));
        const value = parts[parts.length - 1];
        if (id !== OID.subjectAltName || !value) continue;
        const inner = der.content(buf, value);
        for (const gn of der.children(inner, der.read(inner, 0))) {
          const bytes = der.content(inner, gn);
          if (gn.tag === 0x81) out.emailAddresses.push(bytes.toString('latin1'));
          else if (gn.tag === 0x82) out.dnsNames.push(bytes.toString('latin1'));
          else if (gn.tag === 0x86) out.uris.push(bytes.toString('latin1'));
          else if (gn.tag === 0x87) out.ipAddresses.push(ipText(bytes));
        }
      }
    }
  }
  return out;
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // The WHATWG URL parser writes IPv6 hosts in their canonical short form.
    return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
  }
  throw new Error('bad IP address length');
}

function checkSignature(p: { request: CertificateRequest; tbs: Buffer; algorithm: string; signature: Buffer }): void {
  const alg = ALGORITHMS[p.algorithm];
  if (!alg) throw new Error('x509: cannot verify signature: algorithm unimplemented');
  if (alg.insecure) throw new Error(`x509: cannot verify signature: insecure algorithm ${alg.name}`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: p.request.publicKey, format: 'der', type: 'spki' });
  } catch {
    throw new Error('x509: unsupported public key type');
  }
  let ok = false;
  try {
    ok = verify(alg.hash, p.tbs, alg.ecdsa ? { key, dsaEncoding: 'der' } : key, p.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(alg.ecdsa ? 'x509: ECDSA verification failure' : alg.hash === null ? 'x509: Ed25519 verification failure' : 'crypto/rsa: verification error');
}
