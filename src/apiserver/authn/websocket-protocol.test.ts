import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { call, startTempServer } from '../testing.js';
import type { ResourceHandler, UpgradeHandler } from '../types.js';
import { TokenAuthenticator } from './token.js';
import { BEARER_PROTOCOL_PREFIX, WebSocketProtocolAuthenticator, bearerProtocol, decodeBearerProtocol, isWebSocketRequest } from './websocket-protocol.js';

const alice = { name: 'alice', groups: ['devs'] };
const auth = new WebSocketProtocolAuthenticator(new TokenAuthenticator({ tokens: new Map([['alice-token', alice]]) }));

function upgradeRequest(protocol: string | undefined, extra: Record<string, string> = {}): IncomingMessage {
  const headers: Record<string, string> = { connection: 'keep-alive, Upgrade', upgrade: 'websocket', ...extra };
  if (protocol !== undefined) headers['sec-websocket-protocol'] = protocol;
  return { headers } as unknown as IncomingMessage;
}

test('a valid token protocol authenticates, and is taken out of the offered list', () => {
  const req = upgradeRequest(`v5.channel.k8s.io, ${bearerProtocol('alice-token')},v4.channel.k8s.io`);
  assert.deepEqual(auth.authenticate(req), { kind: 'user', user: alice });
  assert.equal(req.headers['sec-websocket-protocol'], 'v5.channel.k8s.io, v4.channel.k8s.io');
});

test('the encoding is unpadded base64url of UTF-8', () => {
  assert.equal(bearerProtocol('a?b>c'), `${BEARER_PROTOCOL_PREFIX}YT9iPmM`);
  assert.equal(decodeBearerProtocol('YT9iPmM'), 'a?b>c');
  assert.equal(decodeBearerProtocol('YT9iPmM='), undefined, 'padding is refused');
  assert.equal(decodeBearerProtocol('YT9iPmM+'), undefined, 'standard base64 alphabet is refused');
  assert.equal(decodeBearerProtocol('YT9iPmN'), undefined, 'non-canonical trailing bits are refused');
  assert.equal(decodeBearerProtocol('A'), undefined, 'impossible length');
  assert.equal(decodeBearerProtocol(Buffer.from([0xff, 0xfe]).toString('base64url')), undefined, 'not UTF-8');
});

test('a padded, unknown, doubled or lonely token is invalid (401); the token is still stripped', () => {
  const padded = upgradeRequest(`v5.channel.k8s.io, ${BEARER_PROTOCOL_PREFIX}${Buffer.from('alice-token').toString('base64')}`);
  assert.equal(Buffer.from('alice-token').toString('base64').endsWith('='), true);
  assert.equal(auth.authenticate(padded).kind, 'invalid');
  assert.equal(padded.headers['sec-websocket-protocol'], 'v5.channel.k8s.io');

  const unknown = upgradeRequest(`v5.channel.k8s.io,${bearerProtocol('mallory-token')}`);
  assert.deepEqual(auth.authenticate(unknown), { kind: 'invalid', reason: 'invalid bearer token' });
  assert.equal(unknown.headers['sec-websocket-protocol'], 'v5.channel.k8s.io');

  const twice = upgradeRequest(`v5.channel.k8s.io,${bearerProtocol('alice-token')},${bearerProtocol('alice-token')}`);
  assert.match((auth.authenticate(twice) as { reason: string }).reason, /multiple/);

  const alone = upgradeRequest(bearerProtocol('alice-token'));
  assert.deepEqual(auth.authenticate(alone), { kind: 'invalid', reason: 'missing additional subprotocol' });
  assert.equal(alone.headers['sec-websocket-protocol'], undefined);
});

test('requests that are not WebSocket upgrades, or offer no token, are not looked at', () => {
  const plain = { headers: { 'sec-websocket-protocol': `v5.channel.k8s.io, ${bearerProtocol('alice-token')}` } } as unknown as IncomingMessage;
  assert.deepEqual(auth.authenticate(plain), { kind: 'none' });
  assert.equal(plain.headers['sec-websocket-protocol'], `v5.channel.k8s.io, ${bearerProtocol('alice-token')}`);
  const spdy = upgradeRequest(`v5.channel.k8s.io, ${bearerProtocol('alice-token')}`, { upgrade: 'SPDY/3.1' });
  assert.deepEqual(auth.authenticate(spdy), { kind: 'none' });
  assert.deepEqual(auth.authenticate(upgradeRequest('v5.channel.k8s.io')), { kind: 'none' });
  assert.deepEqual(auth.authenticate(upgradeRequest(undefined)), { kind: 'none' });
  assert.equal(isWebSocketRequest(upgradeRequest(undefined, { connection: 'close' })), false);
});

// Through the API server: the pipeline authenticates the upgrade, and the resource layer's
// upgrade handler (a stand-in for the kubelet proxy) sees neither the token nor its protocol.
let server: Awaited<ReturnType<typeof startTempServer>>;
const seen: { protocols?: string; user?: string }[] = [];
before(async () => {
  const wss = new WebSocketServer({ noServer: true });
  const upgrade: UpgradeHandler = (req, socket, head, _info, user) => {
    seen.push({ protocols: String(req.headers['sec-websocket-protocol']), user: user.name });
    wss.handleUpgrade(req, socket, head, (ws) => ws.send(`hello ${user.name}`));
  };
  const handler: ResourceHandler = async (_req, res) => {
    res.writeHead(200);
    res.end();
  };
  server = await startTempServer({ serveCustomResources: false, createResources: () => Object.assign(handler, { upgrade, close: async () => wss.close() }) });
});
after(async () => {
  await server?.stop();
});

function connect(protocols: string[]): Promise<{ protocol: string; message: string } | { status: number }> {
  const url = `${server.url.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/p/exec?command=sh`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { ca: server.caPem });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('message', (data) => {
      resolve({ protocol: ws.protocol, message: String(data) });
      ws.close();
    });
    ws.once('error', reject);
  });
}

test('through the server: the token in the subprotocol authenticates a WebSocket; a bad one is 401', async () => {
  const ok = await connect(['v5.channel.k8s.io', 'v4.channel.k8s.io', bearerProtocol(server.adminToken)]);
  assert.deepEqual(ok, { protocol: 'v5.channel.k8s.io', message: 'hello admin' });
  assert.deepEqual(seen.at(-1), { protocols: 'v5.channel.k8s.io, v4.channel.k8s.io', user: 'admin' });
  const count = seen.length;
  assert.deepEqual(await connect(['v5.channel.k8s.io', bearerProtocol('not-a-token')]), { status: 401 });
  assert.deepEqual(await connect([bearerProtocol(server.adminToken)]), { status: 401 });
  assert.deepEqual(await connect(['v5.channel.k8s.io']), { status: 401 });
  assert.equal(seen.length, count, 'refused upgrades never reach the resource layer');
  // A plain request's subprotocol header is no credential.
  const plain = await call(server, 'GET', '/api/v1/namespaces', { headers: { 'Sec-WebSocket-Protocol': `v5.channel.k8s.io, ${bearerProtocol(server.adminToken)}` } });
  assert.equal(plain.code, 401);
});
