import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { call, startTempServer } from './testing.js';
import type { ResourceHandler, UpgradeHandler } from './types.js';

// An exec-like subresource over WebSocket: echoes messages prefixed with the caller's name.
const wss = new WebSocketServer({ noServer: true });
const upgrade: UpgradeHandler = (req, socket, head, info, user) => {
  if (info.subresource !== 'exec') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (m) => ws.send(`${user.name}:${info.name}:${String(m)}`));
  });
};
const plain: ResourceHandler = async (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"kind":"Plain"}');
};

let s: Awaited<ReturnType<typeof startTempServer>>;
before(async () => {
  s = await startTempServer({ serveCustomResources: false, createResources: () => Object.assign(plain, { close: async () => {}, upgrade }) });
});
after(async () => {
  wss.close();
  await s?.stop();
});

function open(path: string, token?: string): Promise<{ ws?: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.url.replace('https', 'wss')}${path}`, ['v5.channel.k8s.io'], {
      ca: s.caPem,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', reject);
  });
}

test('an authenticated upgrade reaches the resource layer with the caller', async () => {
  const r = await open('/api/v1/namespaces/default/pods/web/exec?command=ls', s.adminToken);
  assert.ok(r.ws);
  const ws = r.ws;
  const reply = new Promise<string>((res) => ws.once('message', (m) => res(String(m))));
  ws.send('hello');
  assert.equal(await reply, 'admin:web:hello');
  ws.close();
});

test('an unauthenticated upgrade is refused with a 401 Status', async () => {
  const r = await open('/api/v1/namespaces/default/pods/web/exec?command=ls');
  assert.equal(r.status, 401);
  assert.equal(JSON.parse(r.body ?? '').reason, 'Unauthorized');
});

test('upgrade requests on unknown or non-resource paths get ordinary answers', async () => {
  const nf = await open('/api/v1/namespaces/default/nopes/x/exec', s.adminToken);
  assert.equal(nf.status, 404);
  assert.equal(JSON.parse(nf.body ?? '').kind, 'Status');
  const v = await open('/version', s.adminToken);
  assert.equal(v.status, 200);
  assert.equal(JSON.parse(v.body ?? '').minor, '32');
  // The server still serves ordinary requests.
  assert.equal((await call(s, 'GET', '/healthz')).body, 'ok');
});
