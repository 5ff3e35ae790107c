/**
 * The ingress controller's HTTPS and protocol upgrades end to end: a real `skiff server`,
 * the controller in this process on 127.0.0.1 (HTTP and HTTPS on free ports), backends
 * that are HTTP servers of this test on loopback behind a hand-written Service and
 * EndpointSlice. Certificates are made here by skiff's own PKI code. Waits poll with deadlines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createCa, issueServerCertificate } from '../../src/apiserver/tls/pki.js';
import { SecretKind, type Secret } from '../../src/api/core/v1/secret.js';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { EndpointSliceKind, serviceNameLabel, type EndpointSlice } from '../../src/api/discovery/v1/endpoint-slice.js';
import { IngressKind, type Ingress, type IngressRule } from '../../src/api/networking/v1/ingress.js';
import { silentLogger } from '../../src/client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/rest-client.js';
import { startIngressController, type IngressController } from '../../src/ingress/index.js';
import { startTestServer, waitFor, type TestServer } from './support/index.js';

const NS = 'default';
let server: TestServer;
let client: RestClient;
let controller: IngressController;
let backend: Server;

/** Answers requests with what it received (JSON); an `Upgrade: echo` gets 101, its headers, then every chunk echoed upper-cased. */
function startBackend(): Promise<number> {
  backend = createServer((req, res) => {
    res.setHeader('x-backend', 'tls-web');
    res.end(JSON.stringify({ host: req.headers.host, xfp: req.headers['x-forwarded-proto'], url: req.url }));
  });
  backend.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const seen = JSON.stringify({ url: req.url, upgrade: req.headers.upgrade, xfp: req.headers['x-forwarded-proto'], xff: req.headers['x-forwarded-for'] });
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: echo\r\nconnection: Upgrade\r\nx-seen: ${seen}\r\n\r\n`);
    if (head.length) socket.write(head.toString().toUpperCase());
    socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
    socket.on('end', () => socket.end());
  });
  return new Promise((resolve) => backend.listen(0, '127.0.0.1', () => resolve((backend.address() as AddressInfo).port)));
}

async function tlsSecret(name: string, hosts: string[]): Promise<{ caPem: string }> {
  const ca = await createCa(`test-${name}`);
  const c = await issueServerCertificate(ca, { dns: hosts, ips: [] });
  const data = { 'tls.crt': Buffer.from(c.certPem).toString('base64'), 'tls.key': Buffer.from(c.keyPem).toString('base64') };
  const secrets = client.resource<Secret>(SecretKind);
  const existing = await secrets.get(name, { namespace: NS }).catch(() => undefined);
  if (existing) await secrets.update({ ...existing, data }, { namespace: NS });
  else await secrets.create({ metadata: { name }, type: 'kubernetes.io/tls', data }, { namespace: NS });
  return { caPem: ca.certPem };
}

interface TlsAnswer {
  status: number;
  subject: string;
  json?: Record<string, string>;
}

/** GET https://host/path on the controller's HTTPS port with SNI `host`, trusting `caPem` (or nothing checked). */
function httpsGet(host: string, path: string, caPem?: string): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: controller.tlsPort, servername: host, path, headers: { host }, agent: false, timeout: 5000, ...(caPem ? { ca: caPem } : { rejectUnauthorized: false }) },
      (res) => {
        const subject = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, subject, ...(res.headers['x-backend'] ? { json: JSON.parse(text) as Record<string, string> } : {}) }));
      },
    );
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

before(async () => {
  server = await startTestServer();
  client = clientFromKubeconfig({ path: server.kubeconfigPath });
  const port = await startBackend();
  await client.resource<Service>(ServiceKind).create({ metadata: { name: 'tls-web' }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } }, { namespace: NS });
  const slice = {
    metadata: { name: 'tls-web-1', labels: { [serviceNameLabel]: 'tls-web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port, protocol: 'TCP' }],
  } as EndpointSlice;
  await client.resource<EndpointSlice>(EndpointSliceKind).create(slice, { namespace: NS });
  const rule = (host: string): IngressRule => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'tls-web', port: { number: 80 } } } }] } });
  const ing: Ingress = { metadata: { name: 'secure' }, spec: { ingressClassName: 'skiff', tls: [{ hosts: ['secure.test'], secretName: 'secure-tls' }], rules: [rule('secure.test'), rule('plain.test')] } };
  await client.resource<Ingress>(IngressKind).create(ing, { namespace: NS });
  controller = await startIngressController({ client, listen: { address: '127.0.0.1', port: 0 }, listenTls: { address: '127.0.0.1', port: 0 }, ingressIP: '', log: silentLogger });
  await controller.ready();
});

after(async () => {
  await controller?.stop();
  backend?.close();
  client?.close();
  await server?.stop();
});

test('HTTPS: the certificate of the Ingress TLS secret for its host, the default one for others; a renewed secret applies', async () => {
  const first = await tlsSecret('secure-tls', ['secure.test']);
  const a = await waitFor('secure.test served with its certificate', async () => {
    const r = await httpsGet('secure.test', '/x', first.caPem).catch(() => undefined);
    return r?.json ? r : undefined;
  }, 10_000, 50);
  assert.deepEqual({ status: a.status, subject: a.subject, ...a.json }, { status: 200, subject: 'secure.test', host: 'secure.test', xfp: 'https', url: '/x' });

  // A host without a TLS entry is still routed over HTTPS, with the self-signed default certificate.
  const b = await httpsGet('plain.test', '/y');
  assert.equal(b.subject, 'skiff-ingress-default.invalid');
  assert.deepEqual(b.json, { host: 'plain.test', xfp: 'https', url: '/y' });
  await assert.rejects(httpsGet('plain.test', '/y', first.caPem), /self[- ]signed|unable to verify|certificate/i);

  // The secret is renewed (another CA): the next handshakes use it.
  const second = await tlsSecret('secure-tls', ['secure.test']);
  await waitFor('the renewed certificate', async () => ((await httpsGet('secure.test', '/', second.caPem).catch(() => undefined))?.status === 200 ? true : undefined), 10_000, 50);
  await assert.rejects(httpsGet('secure.test', '/', first.caPem), /certificate|verify/i);
});

/** Sends `Upgrade: echo` to host/path (over TLS when `tls`), then `text`; resolves with the 101 headers and the echo. */
function upgradeAndEcho(host: string, path: string, text: string, tls: boolean): Promise<{ status: number; seen?: Record<string, string>; echo?: string }> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', path, headers: { host, connection: 'Upgrade', upgrade: 'echo' }, agent: false, timeout: 5000 };
    const req = tls ? httpsRequest({ ...opts, port: controller.tlsPort, servername: host, rejectUnauthorized: false }) : httpRequest({ ...opts, port: controller.port });
    req.on('upgrade', (res: IncomingMessage, socket: Socket) => {
      let echo = '';
      socket.on('data', (d: Buffer) => {
        echo += d.toString();
        if (echo.length >= text.length) {
          socket.end();
          resolve({ status: res.statusCode ?? 0, seen: JSON.parse(String(res.headers['x-seen'])) as Record<string, string>, echo });
        }
      });
      socket.write(text);
    });
    req.on('response', (res) => (res.resume(), resolve({ status: res.statusCode ?? 0 })));
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

test('protocol upgrades (WebSocket) are tunnelled both ways, over HTTP and HTTPS; unknown hosts get 404', async () => {
  const plain = await upgradeAndEcho('plain.test', '/ws?room=1', 'hello ingress', false);
  assert.deepEqual(plain, { status: 101, seen: { url: '/ws?room=1', upgrade: 'echo', xfp: 'http', xff: '127.0.0.1' }, echo: 'HELLO INGRESS' });
  const secure = await upgradeAndEcho('secure.test', '/ws', 'over tls', true);
  assert.deepEqual(secure, { status: 101, seen: { url: '/ws', upgrade: 'echo', xfp: 'https', xff: '127.0.0.1' }, echo: 'OVER TLS' });
  assert.deepEqual(await upgradeAndEcho('nobody.test', '/ws', 'x', false), { status: 404 });
});
