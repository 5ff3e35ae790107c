import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, issueServerCertificate, type CertificateAuthority } from '../../tls/pki.js';
import { postReview, WebhookCallError } from './client.js';

let ca: CertificateAuthority;
let server: Server;
let port: number;
let delayMs = 0;
const requests: Array<{ url: string; body: any }> = [];

before(async () => {
  ca = await createCa('webhook-test-ca');
  const cert = await issueServerCertificate(ca, { dns: ['hook.team.svc'], ips: ['127.0.0.1'] });
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
      setTimeout(() => {
        if (req.url?.startsWith('/broken')) {
          res.writeHead(500).end('boom');
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ echoed: true }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = (extra: Record<string, unknown> = {}) => ({ url: `https://127.0.0.1:${port}/validate`, connectHost: '127.0.0.1', connectPort: port, serverName: '127.0.0.1', caPem: ca.certPem, ...extra });

test('client: posts JSON over HTTPS trusting only the CA bundle, with ?timeout', async () => {
  delayMs = 0;
  assert.deepEqual(await postReview(target(), { hello: 1 }, 10_000), { echoed: true });
  assert.deepEqual(requests.at(-1), { url: '/validate?timeout=10s', body: { hello: 1 } });
});

test('client: a service name is verified against the certificate while connecting to the endpoint address', async () => {
  delayMs = 0;
  const svc = { url: `https://hook.team.svc:443/mutate`, serverName: 'hook.team.svc' };
  assert.deepEqual(await postReview(target(svc), {}, 5_000), { echoed: true });
  await assert.rejects(postReview(target({ ...svc, serverName: 'other.team.svc' }), {}, 5_000), (err: unknown) => err instanceof WebhookCallError && /x509: Hostname\/IP does not match/.test(err.message));
});

test('client: unknown CA, refused connection, timeout and server errors, worded as Go', async () => {
  delayMs = 0;
  const other = await createCa('other');
  await assert.rejects(postReview(target({ caPem: other.certPem }), {}, 5_000), {
    message: `Post "https://127.0.0.1:${port}/validate?timeout=5s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
  });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assert.rejects(postReview(target({ url: `https://127.0.0.1:${closedPort}/x`, connectPort: closedPort }), {}, 5_000), {
    message: `Post "https://127.0.0.1:${closedPort}/x?timeout=5s": dial tcp 127.0.0.1:${closedPort}: connect: connection refused`,
  });
  delayMs = 1500;
  await assert.rejects(postReview(target(), {}, 1000), { message: `Post "https://127.0.0.1:${port}/validate?timeout=1s": context deadline exceeded` });
  delayMs = 0;
  await assert.rejects(postReview(target({ url: `https://127.0.0.1:${port}/broken` }), {}, 5_000), { message: 'an error on the server ("boom") has prevented the request from succeeding' });
});
