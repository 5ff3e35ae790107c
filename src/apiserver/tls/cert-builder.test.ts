/**
 * The DER writer and certificate builder against real consumers: OpenSSL's `verify` and
 * `x509 -text`, Node's X509Certificate, and a TLS handshake with client certificates —
 * including a CA made by @peculiar/x509 (what data dirs from before hold).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as der from '../../machinery/der.js';
import { certificateIdentity, ipBytes } from './cert-builder.js';
import { createCa, createCertificateRequest, issueClientCertificate, issueClientCertificateForRequest, issueServerCertificate, loadCa, type CertificateAuthority } from './pki.js';

const hex = (b: Buffer): string => b.toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'skiff-cert-builder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[], files: Record<string, string>): { code: number | null; out: string } {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A TLS handshake with client certificates; resolves with what each side saw. */
async function handshake(ca: CertificateAuthority, server: { certPem: string; keyPem: string }, client: { certPem: string; keyPem: string }) {
  const srv = createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false });
  const seen = new Promise<{ authorized: boolean; cn: unknown; o: unknown }>((resolve) =>
    srv.on('secureConnection', (s: TLSSocket) => {
      const c = s.getPeerCertificate();
      resolve({ authorized: s.authorized, cn: c.subject?.CN, o: c.subject?.O });
      s.end();
    }),
  );
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as AddressInfo).port;
    const clientAuthorized = await new Promise<boolean>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, ca: ca.certPem, cert: client.certPem, key: client.keyPem }, () => {
        resolve(s.authorized);
        s.end();
      });
      s.on('error', reject);
    });
    return { clientAuthorized, server: await seen };
  } finally {
    srv.close();
  }
}

describe('DER writer', () => {
  it('encodes lengths, integers, bit strings, OIDs and times as DER requires', () => {
    assert.equal(hex(der.tlv(0x04, Buffer.alloc(3))), '0403000000');
    assert.equal(hex(der.tlv(0x04, Buffer.alloc(200))).slice(0, 6), '0481c8');
    assert.equal(hex(der.tlv(0x04, Buffer.alloc(300))).slice(0, 8), '0482012c');
    assert.equal(hex(der.uint(Buffer.from([0, 0, 0x7f]))), '02017f');
    assert.equal(hex(der.uint(Buffer.from([0x80]))), '02020080');
    // digitalSignature | keyCertSign | cRLSign = bits 0, 5, 6 → 0x86 with 1 unused bit.
    assert.equal(hex(der.namedBits([0, 5, 6])), '03020186');
    assert.equal(hex(der.namedBits([0, 2])), '030205a0');
    assert.equal(hex(der.oid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302');
    assert.equal(der.oidText(der.oid('1.3.6.1.5.5.7.3.2').subarray(2)), '1.3.6.1.5.5.7.3.2');
    assert.equal(der.time(new Date('2036-01-02T03:04:05.678Z')).toString('latin1').slice(2), '360102030405Z');
    assert.equal(der.time(new Date('2051-01-02T03:04:05Z')).toString('latin1').slice(2), '20510102030405Z');
  });

  it('refuses truncated input', () => {
    assert.throws(() => der.read(Buffer.from([0x30, 0x05, 0x01]), 0), /truncated/);
  });

  it('IP SANs: IPv4, IPv6 with ::, and an embedded IPv4 tail', () => {
    assert.equal(hex(ipBytes('198.18.0.7')), 'c6120007');
    assert.equal(hex(ipBytes('::1')), '00000000000000000000000000000001');
    assert.equal(hex(ipBytes('fd00::a:1')), 'fd00' + '0000'.repeat(5) + '000a0001');
    assert.equal(hex(ipBytes('::ffff:127.0.0.1')), '00000000000000000000ffff7f000001');
  });
});

describe('certificates', () => {
  it('OpenSSL verifies the chain and reads the extensions Kubernetes needs', async () => {
    const ca = await createCa('test-ca');
    const srv = await issueServerCertificate(ca, { dns: ['localhost', 'kubernetes.default.svc'], ips: ['127.0.0.1', '::1', '198.18.0.1'] });
    const cli = await issueClientCertificate(ca, { user: 'system:node:n1', groups: ['system:nodes'] });
    const v = openssl(['verify', '-CAfile', 'ca.pem', '-purpose', 'sslserver', 'server.pem'], { 'ca.pem': ca.certPem, 'server.pem': srv.certPem });
    assert.equal(v.code, 0, v.out);
    const vc = openssl(['verify', '-CAfile', 'ca.pem', '-purpose', 'sslclient', 'client.pem'], { 'client.pem': cli.certPem });
    assert.equal(vc.code, 0, vc.out);
    const caText = openssl(['x509', '-noout', '-text', '-in', 'ca.pem'], {}).out;
    assert.match(caText, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(caText, /Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    const text = openssl(['x509', '-noout', '-text', '-in', 'server.pem'], {}).out;
    assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /Extended Key Usage:\s+TLS Web Server Authentication/);
    assert.match(text, /DNS:localhost, DNS:kubernetes\.default\.svc, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, IP Address:198\.18\.0\.1/);
    // The authority key id names the CA's subject key id (OpenSSL picks issuers by it).
    const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(caText)?.[1];
    assert.ok(ski);
    assert.ok(text.includes(ski), 'server certificate AKI matches the CA SKI');
    const node = new X509Certificate(srv.certPem);
    assert.equal(node.subject, 'CN=localhost');
    assert.ok(node.checkIssued(new X509Certificate(ca.certPem)));
  });

  it('a TLS handshake verifies both sides; the server reads CN and O of the client', async () => {
    const ca = await createCa('tls-ca');
    const r = await handshake(ca, await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] }), await issueClientCertificate(ca, { user: 'alice', groups: ['devs', 'ops'] }));
    assert.equal(r.clientAuthorized, true);
    assert.deepEqual(r.server, { authorized: true, cn: 'alice', o: ['devs', 'ops'] });
    // A client certificate from another CA is seen but not authorized.
    const other = await createCa('other');
    const bad = await handshake(ca, await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] }), await issueClientCertificate(other, { user: 'mallory' }));
    assert.equal(bad.server.authorized, false);
  });

  it('keeps working with a CA that @peculiar/x509 made (existing data dirs)', async () => {
    await import('./reflect-polyfill.js');
    const x509 = await import('@peculiar/x509');
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const old = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: '01',
        name: [{ CN: ['old-ca'] }],
        notBefore: new Date(Date.now() - 3600_000),
        notAfter: new Date(Date.now() + 86400_000),
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        keys,
        extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto)],
      },
      webcrypto,
    );
    const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    const ca = await loadCa(old.toString('pem'), keyPem);
    assert.equal(hex(ca.keyId ?? Buffer.alloc(0)), hex(Buffer.from(new x509.SubjectKeyIdentifierExtension(old.getExtension('2.5.29.14')!.rawData).keyId, 'hex')));
    assert.deepEqual(certificateIdentity(new X509Certificate(old.toString('pem')).raw).subject, Buffer.from(old.subjectName.toArrayBuffer()));
    const r = await handshake(ca, await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] }), await issueClientCertificate(ca, { user: 'bob' }));
    assert.equal(r.clientAuthorized, true);
    assert.deepEqual(r.server, { authorized: true, cn: 'bob', o: undefined });
  });

  it('signs a node\'s PKCS#10 request with the CA-chosen identity, and refuses a tampered one', async () => {
    const ca = await createCa('join-ca');
    const req = await createCertificateRequest('ignored');
    const pem = await issueClientCertificateForRequest(ca, req.requestPem, { user: 'system:node:n2', groups: ['system:nodes'] });
    const r = await handshake(ca, await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] }), { certPem: pem, keyPem: req.keyPem });
    assert.deepEqual(r.server, { authorized: true, cn: 'system:node:n2', o: 'system:nodes' });
    const body = req.requestPem.split('\n').slice(1, -2).join('');
    const bytes = Buffer.from(body, 'base64');
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0xff; // inside the signature
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${bytes.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await assert.rejects(issueClientCertificateForRequest(ca, tampered, { user: 'x' }));
  });
});
