import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, issueClientCertificate, issueServerCertificate } from '../apiserver/tls/pki.js';
import { HttpsTransport } from './https-transport.js';
import { readBody } from './transport.js';

/** A TLS server that asks for a client certificate and answers with its CN (or "anonymous"). */
async function echoServer(): Promise<{ server: Server; url: string; caPem: string; clientCa: Awaited<ReturnType<typeof createCa>> }> {
  const ca = await createCa('transport-test-ca');
  const clientCa = await createCa('transport-test-client-ca');
  const serving = await issueServerCertificate(ca, { dns: ['localhost'], ips: ['127.0.0.1'] });
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: clientCa.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
    res.end(peer?.subject?.CN ?? 'anonymous');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: ca.certPem, clientCa };
}

test('the transport trusts only the configured CA and presents the configured client certificate on every pooled connection', async () => {
  const { server, url, caPem, clientCa } = await echoServer();
  const client = await issueClientCertificate(clientCa, { user: 'alice' });
  const good = new HttpsTransport({ connection: { namespace: 'default', context: 'test', server: url, ca: Buffer.from(caPem), cert: Buffer.from(client.certPem), key: Buffer.from(client.keyPem) } });
  const otherCa = await createCa('someone-else');
  const wrong = new HttpsTransport({ connection: { namespace: 'default', context: 'test', server: url, ca: Buffer.from(otherCa.certPem) } });
  try {
    // Several at once: new sockets from the pool must carry the same identity.
    const bodies = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const r = await good.request({ method: 'GET', path: '/' });
        return (await readBody(r.body)).toString();
      }),
    );
    assert.deepEqual(bodies, ['alice', 'alice', 'alice', 'alice']);
    await assert.rejects(() => wrong.request({ method: 'GET', path: '/' }), (err: NodeJS.ErrnoException) => /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(String(err.code)));
  } finally {
    good.close();
    wrong.close();
    server.close();
  }
});
