import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalIp, createCa, issueClientCertificate, serverCertificateFits } from './pki.js';
import { ensurePki } from './pki-files.js';

test('canonicalIp makes IPv6 notations comparable', () => {
  assert.equal(canonicalIp('::1'), '0:0:0:0:0:0:0:1');
  assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '0:0:0:0:0:0:0:1');
  assert.equal(canonicalIp('fd00::0a:1'), 'fd00:0:0:0:0:0:a:1');
  assert.equal(canonicalIp('::ffff:127.0.0.1'), '0:0:0:0:0:ffff:7f00:1');
  assert.equal(canonicalIp('198.18.2.3'), '198.18.2.3');
});

test('client certificates carry CN = user and one O per group, signed by the CA', async () => {
  const ca = await createCa('test');
  const c = await issueClientCertificate(ca, { user: 'system:node:n1', groups: ['system:nodes', 'b'], days: 2 });
  const cert = new X509Certificate(c.certPem);
  assert.equal(cert.subject, 'CN=system:node:n1\nO=system:nodes\nO=b');
  assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
  assert.ok(new Date(cert.validTo).getTime() - Date.now() < 3 * 24 * 3600 * 1000);
  assert.match(c.keyPem, /^-----BEGIN PRIVATE KEY-----/);
});

test('ensurePki creates files 0600, keeps them, and re-issues the server certificate when SANs change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pki-'));
  try {
    const sans = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };
    const a = await ensurePki(dir, sans);
    assert.equal(a.serverIssued, true);
    for (const f of ['ca.crt', 'ca.key', 'server.crt', 'server.key', 'admin.crt', 'admin.key']) {
      assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    }
    assert.match(new X509Certificate(a.server.certPem).subjectAltName ?? '', /DNS:localhost/);
    const b = await ensurePki(dir, { dns: ['localhost'], ips: ['0:0:0:0:0:0:0:1'] });
    assert.equal(b.serverIssued, false);
    assert.equal(b.ca.certPem, a.ca.certPem);
    assert.equal(b.admin.certPem, a.admin.certPem);
    const c = await ensurePki(dir, { dns: ['localhost', 'api.example.test'], ips: ['127.0.0.1', '192.0.2.7'] });
    assert.equal(c.serverIssued, true);
    const san = new X509Certificate(readFileSync(join(dir, 'server.crt'), 'utf8')).subjectAltName ?? '';
    assert.match(san, /DNS:api\.example\.test/);
    assert.match(san, /IP Address:192\.0\.2\.7/);
    assert.equal(serverCertificateFits(c.server.certPem, c.ca, { dns: ['api.example.test'], ips: ['192.0.2.7'] }), true);
    // A certificate from another CA does not fit.
    const other = await createCa('other');
    assert.equal(serverCertificateFits(c.server.certPem, other, { dns: [], ips: [] }), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
