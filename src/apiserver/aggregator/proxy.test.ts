import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request as httpRequest, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { createCa, issueServerCertificate } from '../tls/pki.js';
import { forwardedHeaders, proxyRequest, proxyUpgrade, UNAVAILABLE_MESSAGE } from './proxy.js';
import { AgentPool, type RemoteTarget } from './transport.js';

const user = { name: 'alice', groups: ['dev', 'system:authenticated'] };
let backend: Server;
let front: HttpServer;
let target: RemoteTarget;
const agents = new AgentPool();
let release: () => void = () => {};

before(async () => {
  const ca = await createCa('proxy-test-ca');
  const cert = await issueServerCertificate(ca, { dns: ['ext.ns.svc'], ips: [] });
  backend = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    if (req.url?.startsWith('/watch')) {
      // A watch: the first event goes out at once, the stream ends only when released.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
      release = () => res.end('{"type":"DELETED"}\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ user: req.headers['x-remote-user'], groups: req.headersDistinct['x-remote-group'], auth: req.headers.authorization ?? null, host: req.headers.host }));
  });
  backend.on('upgrade', (req, socket) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\n\r\n`);
    socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  target = { host: '127.0.0.1', port: (backend.address() as AddressInfo).port, serverName: 'ext.ns.svc', ca: ca.certPem, insecure: false };
  front = createHttpServer((req, res) => {
    const to = req.url?.startsWith('/down') ? { ...target, port: 1 } : target;
    void proxyRequest(req, res, to, agents.get(to), user, req.url ?? '/', () => {});
  });
  front.on('upgrade', (req, socket, head) => void proxyUpgrade(req, socket, head, target, user, req.url ?? '/'));
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
});
after(() => {
  agents.close();
  front.closeAllConnections();
  front.close();
  backend.closeAllConnections();
  backend.close();
});

const frontPort = () => (front.address() as AddressInfo).port;

test('forwarded headers: credentials and identity headers dropped, the user named, Host is the service', () => {
  const h = forwardedHeaders({ authorization: 'Bearer x', 'impersonate-user': 'root', 'x-remote-user': 'mallory', accept: 'application/json', connection: 'keep-alive', host: 'api:6443' }, user, target);
  assert.deepEqual(h, { accept: 'application/json', host: `ext.ns.svc:${target.port}`, 'x-remote-user': 'alice', 'x-remote-group': ['dev', 'system:authenticated'] });
});

test('a proxied request reaches the server with the user’s identity', async () => {
  const body = await new Promise<string>((resolve, reject) => {
    httpRequest({ port: frontPort(), path: '/apis/x/v1/things', headers: { authorization: 'Bearer secret' } }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve(b));
    }).on('error', reject).end();
  });
  assert.deepEqual(JSON.parse(body), { user: 'alice', groups: ['dev', 'system:authenticated'], auth: null, host: `ext.ns.svc:${target.port}` });
});

test('a watch streams: the first event arrives before the response ends', async () => {
  const events: string[] = [];
  await new Promise<void>((resolve, reject) => {
    httpRequest({ port: frontPort(), path: '/watch' }, (res) => {
      res.on('data', (d: Buffer) => {
        events.push(d.toString());
        if (events.length === 1) release();
      });
      res.on('end', () => resolve());
    }).on('error', reject).end();
  });
  assert.equal(events.join(''), '{"type":"ADDED"}\n{"type":"DELETED"}\n');
  assert.ok(events.length >= 2, 'the events came separately');
});

test('an unreachable server is a 503 Status with upstream’s message', async () => {
  const { code, body } = await new Promise<{ code: number; body: string }>((resolve, reject) => {
    httpRequest({ port: frontPort(), path: '/down' }, (res) => {
      let b = '';
      res.on('data', (d: Buffer) => (b += d.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: b }));
    }).on('error', reject).end();
  });
  assert.equal(code, 503);
  assert.deepEqual(JSON.parse(body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: UNAVAILABLE_MESSAGE, reason: 'ServiceUnavailable', code: 503 });
});

test('an upgrade is spliced through both ways', async () => {
  const sock = connect(frontPort(), '127.0.0.1');
  let got = '';
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.includes('\r\n\r\n') && !got.includes('echo:')) sock.write('ping');
      if (got.includes('echo:ping')) resolve();
    });
    sock.write('GET /apis/x/v1/namespaces/a/things/b/exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  });
  sock.destroy();
  assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.match(got, /upgrade: websocket/i);
});
