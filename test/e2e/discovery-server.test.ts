/**
 * `skiff server` as a process: etcd as the datastore, the certificate's SANs, /readyz
 * checking the store, and a clean exit 0 on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer } from './support/index.js';

function get(url: string, caPem: string, token?: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: caPem, agent: false, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('skiff server on etcd: ready with the store checked, kubectl works, SIGTERM exits 0', async () => {
  const server = await startTestServer({ datastore: 'etcd', args: ['--tls-san', 'api.skiff.test,192.0.2.10'] });
  let stopped = false;
  try {
    const ready = await get(`${server.url}/readyz?verbose`, server.caPem);
    assert.equal(ready.code, 200);
    assert.match(ready.body, /^\[\+\]etcd ok$/m);
    const san = new X509Certificate(readFileSync(join(server.dataDir, 'tls', 'server.crt'))).subjectAltName ?? '';
    for (const want of ['DNS:localhost', 'DNS:api.skiff.test', 'IP Address:127.0.0.1', 'IP Address:192.0.2.10']) assert.ok(san.includes(want), `${want} in ${san}`);
    for (const f of ['admin.kubeconfig', 'admin.token', 'tls/ca.key', 'tls/server.key']) {
      assert.equal(statSync(join(server.dataDir, f)).mode & 0o777, 0o600, f);
    }
    if (!kubectlMissing()) {
      const v = await kubectl(['version'], { kubeconfig: server.kubeconfigPath });
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stdout, /^Server Version: v1\.32\.4-skiff$/m);
    }
    // Requests are logged one structured line each.
    const m = await get(`${server.url}/metrics`, server.caPem, server.adminToken);
    assert.equal(m.code, 200);
    const logged = (): boolean =>
      server.output().split('\n').some((l) => l.includes('"msg":"request"') && l.includes('"path":"/metrics"') && l.includes('"user":"admin"') && l.includes('"code":200'));
    const deadline = Date.now() + 5000;
    while (!logged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(logged(), server.output().slice(-2000));
    const exit = await server.stop();
    stopped = true;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.match(server.output(), /SIGTERM, shutting down/);
    assert.equal(existsSync(server.dataDir), false);
  } finally {
    if (!stopped) await server.stop();
  }
});
