import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, request, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { memoryLogger } from '../client/logger.js';
import { PortForwardServer } from './port-forward.js';
import { SpdySession, type SpdyStream } from './port-forward-spdy.js';
import { SPDY3_DICTIONARY } from './port-forward-spdy-dictionary.js';

const listen = (s: Server | HttpServer): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
const close = (s: Server | HttpServer): Promise<void> => new Promise((r) => s.close(() => r()));
const readAll = (s: Duplex | IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });

/** A client and a server SpdySession over a loopback TCP connection. */
async function sessionPair(onStream: (s: SpdyStream) => void): Promise<{ client: SpdySession; server: SpdySession; done(): Promise<void> }> {
  let server!: SpdySession;
  const tcp = createServer();
  const accepted = new Promise<void>((r) => {
    tcp.once('connection', (sock: Socket) => {
      server = new SpdySession({ transport: sock, isServer: true, onStream });
      r();
    });
  });
  const port = await listen(tcp);
  const client = new SpdySession({ transport: connect({ host: '127.0.0.1', port }), isServer: false });
  await accepted;
  return { client, server, done: async () => (client.close(), server.close(), close(tcp)) };
}

test('the SPDY/3 dictionary is the spec one (1423 bytes)', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
});

test('streams carry headers and data both ways, many at once over one zlib context, with half-close', async () => {
  const seen: Array<Map<string, string>> = [];
  const pair = await sessionPair((s) => {
    seen.push(s.headers);
    // Echo upper-cased, then FIN once the client's side ended.
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('end', () => s.end(got.toUpperCase()));
  });
  try {
    const big = 'a'.repeat(300_000);
    const streams = await Promise.all([0, 1, 2, 3, 4].map((i) => pair.client.openStream({ streamType: 'data', port: String(8000 + i), requestID: String(i) })));
    const replies = streams.map((s) => readAll(s));
    streams.forEach((s, i) => s.end(i === 0 ? big : `hello ${i}`));
    assert.deepEqual(await Promise.all(replies), [big.toUpperCase(), 'HELLO 1', 'HELLO 2', 'HELLO 3', 'HELLO 4']);
    assert.deepEqual(seen.map((h) => [h.get('streamtype'), h.get('port'), h.get('requestid')]).sort(), [0, 1, 2, 3, 4].map((i) => ['data', String(8000 + i), String(i)]));
  } finally {
    await pair.done();
  }
});

test('a reset stream closes on the other side, marked as reset', async () => {
  let serverSide: SpdyStream | undefined;
  const pair = await sessionPair((s) => (serverSide = s));
  try {
    const s = await pair.client.openStream({ streamType: 'data' });
    s.destroy();
    await new Promise<void>((r) => (serverSide as SpdyStream).on('close', () => r()));
    assert.equal(serverSide?.reset, true);
  } finally {
    await pair.done();
  }
});

test('a PING from the client is echoed; a frame of another SPDY version ends the connection with GOAWAY', async () => {
  const tcp = createServer((sock) => new SpdySession({ transport: sock, isServer: true, onStream: () => {} }));
  const port = await listen(tcp);
  try {
    const ping = Buffer.from([0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 7]);
    const sock = connect({ host: '127.0.0.1', port });
    sock.write(ping);
    const echoed = await new Promise<Buffer>((r) => sock.once('data', r));
    assert.deepEqual(echoed, ping);
    sock.write(Buffer.from([0x80, 2, 0, 6, 0, 0, 0, 4, 0, 0, 0, 9]));
    const rest: Buffer[] = [];
    await new Promise<void>((r) => sock.on('data', (d: Buffer) => rest.push(d)).on('close', () => r()));
    assert.equal(Buffer.concat(rest).readUInt16BE(2), 7, 'GOAWAY');
  } finally {
    await close(tcp);
  }
});

/** A PortForwardServer behind a plain HTTP server, the pod being a TCP server on 127.0.0.1. */
async function forwarder(pairTimeoutMs = 30_000) {
  const logger = memoryLogger();
  const pod = createServer((s) => s.on('data', (d: Buffer) => s.end(`pod got ${d.toString()}`)));
  const podPort = await listen(pod);
  const pf = new PortForwardServer({ resolve: async (_ns, name) => (name === 'web' ? { ip: '127.0.0.1', uid: 'u1' } : undefined), logger, pairTimeoutMs });
  const http = createHttpServer();
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, , ns, name] = url.pathname.split('/');
    void pf.handleUpgrade(req, socket, head, ns ?? '', name ?? '', url.searchParams);
  });
  const port = await listen(http);
  /** Upgrades to SPDY; resolves the client session, or the refusal's status and body. */
  const upgrade = (name: string, protocol = 'portforward.k8s.io') =>
    new Promise<{ session?: SpdySession; status?: number; body?: string; protocol?: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/portForward/default/${name}`, headers: { connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': protocol } });
      req.on('upgrade', (res, sock) => resolve({ session: new SpdySession({ transport: sock, isServer: false }), protocol: String(res.headers['x-stream-protocol-version']) }));
      req.on('response', (res) => readAll(res).then((body) => resolve({ status: res.statusCode ?? 0, body })));
      req.on('error', reject);
      req.end();
    });
  return { podPort, upgrade, logger, stop: async () => (pf.close(), http.closeAllConnections(), await close(http), await close(pod)) };
}

test('SPDY port-forward: a legacy pair without requestID reaches the pod; a refused port is reported on the error stream', async () => {
  const f = await forwarder();
  try {
    const { session, protocol } = await f.upgrade('web');
    assert.equal(protocol, 'portforward.k8s.io');
    // Old clients: error then data, ids two apart, no requestID.
    const error = await session!.openStream({ streamType: 'error', port: String(f.podPort) });
    const data = await session!.openStream({ streamType: 'data', port: String(f.podPort) });
    error.end();
    const reply = readAll(data);
    const errText = readAll(error);
    data.write('ping');
    assert.equal(await reply, 'pod got ping');
    assert.equal(await errText, '');
    // A port nobody listens on (the pod server's port, closed first).
    const closed = createServer();
    const deadPort = await listen(closed);
    await close(closed);
    const e2 = await session!.openStream({ streamType: 'error', port: String(deadPort), requestID: '7' });
    const d2 = await session!.openStream({ streamType: 'data', port: String(deadPort), requestID: '7' });
    e2.end();
    const [msg, body] = await Promise.all([readAll(e2), readAll(d2)]);
    assert.match(msg, new RegExp(`^error forwarding port ${deadPort} to pod default/web, uid u1: connect ECONNREFUSED 127\\.0\\.0\\.1:${deadPort}$`));
    assert.equal(body, '');
    session!.close();
  } finally {
    await f.stop();
  }
});

test('SPDY port-forward refuses an unknown pod (404), a foreign protocol (403), and times out a half pair', async () => {
  const f = await forwarder(200);
  try {
    const missing = await f.upgrade('nope');
    assert.equal(missing.status, 404);
    assert.match(missing.body ?? '', /"reason":"NotFound"/);
    const foreign = await f.upgrade('web', 'v4.channel.k8s.io');
    assert.equal(foreign.status, 403);
    assert.match(foreign.body ?? '', /unable to negotiate protocol/);
    const { session } = await f.upgrade('web');
    const lonely = await session!.openStream({ streamType: 'error', port: String(f.podPort), requestID: '1' });
    lonely.end();
    assert.match(await readAll(lonely), /timed out waiting for the data and error streams of request 1/);
    session!.close();
  } finally {
    await f.stop();
  }
});
