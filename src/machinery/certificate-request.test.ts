import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificateRequest } from './certificate-request.js';

// Requests made by OpenSSL, as users make them for `kubectl certificate approve`.
let dir: string;
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

function request(name: string, keyArgs: string[], subj: string, extra: string[] = []): string {
  openssl('req', '-new', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj, ...extra);
  return readFileSync(join(dir, `${name}.csr`), 'utf8');
}

describe('parseCertificateRequest', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-csr-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an RSA request: subject, groups and public key', () => {
    const pem = request('rsa', ['rsa:2048'], '/CN=jane/O=dev/O=ops');
    const r = parseCertificateRequest(pem);
    assert.equal(r.commonName, 'jane');
    assert.deepEqual(r.organizations, ['dev', 'ops']);
    const spki = execFileSync('openssl', ['pkey', '-in', join(dir, 'rsa.key'), '-pubout', '-outform', 'DER']);
    assert.deepEqual(r.publicKey, spki);
    assert.deepEqual(r.dnsNames, []);
  });

  it('reads an ECDSA request with subject alternative names', () => {
    const pem = request('ec', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=system:node:n1/O=system:nodes', ['-addext', 'subjectAltName=DNS:n1.example,IP:198.18.0.7,IP:2001:db8::1,email:a@b.c']);
    const r = parseCertificateRequest(pem);
    assert.equal(r.commonName, 'system:node:n1');
    assert.deepEqual(r.organizations, ['system:nodes']);
    assert.deepEqual(r.dnsNames, ['n1.example']);
    assert.deepEqual(r.ipAddresses, ['198.18.0.7', '2001:db8::1']);
    assert.deepEqual(r.emailAddresses, ['a@b.c']);
  });

  it('reads an Ed25519 request', () => {
    assert.equal(parseCertificateRequest(request('ed', ['ed25519'], '/CN=ed')).commonName, 'ed');
  });

  it('refuses what is not a certificate request, with Go’s wording', () => {
    assert.throws(() => parseCertificateRequest('hello'), /^Error: PEM block type must be CERTIFICATE REQUEST$/);
    assert.throws(() => parseCertificateRequest('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /PEM block type must be CERTIFICATE REQUEST/);
    assert.throws(() => parseCertificateRequest('-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQA=\n-----END CERTIFICATE REQUEST-----\n'), /x509: malformed certificate request/);
  });

  it('refuses a request whose signature does not verify', () => {
    const pem = request('tamper', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=aaaa');
    const derBytes = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''), 'base64');
    const at = derBytes.indexOf(Buffer.from('aaaa'));
    derBytes.write('bbbb', at, 'latin1');
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${derBytes.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.throws(() => parseCertificateRequest(tampered), /x509: ECDSA verification failure/);
  });

  it('refuses SHA-1 signatures as insecure', () => {
    writeFileSync(join(dir, 'empty.cnf'), '[req]\ndistinguished_name=dn\n[dn]\n');
    const pem = request('sha1', ['rsa:2048'], '/CN=old', ['-sha1', '-config', join(dir, 'empty.cnf')]);
    assert.throws(() => parseCertificateRequest(pem), /insecure algorithm SHA1-RSA/);
  });
});
