import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { silentLogger } from '../client/logger.js';
import type { Backend } from './endpoints.js';
import { listenTcp, listenUdp } from './listeners.js';

const be = (ip: string, port: number, over: Partial<Backend> = {}): Backend => ({ ip, port, ready: true, serving: true, terminating: false, ...over });

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP backend that writes its name on connect and echoes what it gets. */
async function tcpBackend(name: string, host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.write(`${name}\n`);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, port: (server.address() as { port: number }).port };
}

/** Connects and resolves with the first line (the backend's name), or '' if the proxy refuses. */
function firstLine(host: string, port: number): Promise<{ line: string; sock: Socket }> {
  return new Promise((resolve) => {
    const sock = connect(port, host);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve({ line: buf.split('\n')[0]!, sock });
    });
    sock.on('error', () => resolve({ line: '', sock }));
    sock.on('close', () => resolve({ line: '', sock }));
  });
}

test('TCP: round-robin per connection; terminating backends get no new connections but open ones drain; close frees the port', async () => {
  const a = await tcpBackend('a', '127.0.88.1');
  const b = await tcpBackend('b', '127.0.88.2');
  const host = '127.0.88.10';
  const port = await freePort(host);
  const l = await listenTcp({ address: host, port, target: { backends: [be('127.0.88.1', a.port), be('127.0.88.2', b.port)], affinityTimeoutMs: undefined }, log: silentLogger });
  try {
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { line, sock } = await firstLine(host, port);
      names.push(line);
      sock.destroy();
    }
    assert.deepEqual(names, ['a', 'b', 'a', 'b']);

    const open = await firstLine(host, port); // → a
    assert.equal(open.line, 'a');
    l.setTarget({ backends: [be('127.0.88.1', a.port, { ready: false, terminating: true }), be('127.0.88.2', b.port)], affinityTimeoutMs: undefined });
    for (let i = 0; i < 3; i++) {
      const { line, sock } = await firstLine(host, port);
      assert.equal(line, 'b');
      sock.destroy();
    }
    // The connection opened before a started terminating still works.
    const echoed = new Promise<string>((r) => open.sock.once('data', (d) => r(d.toString())));
    open.sock.write('ping');
    assert.equal(await echoed, 'ping');

    l.setTarget({ backends: [], affinityTimeoutMs: undefined });
    assert.equal((await firstLine(host, port)).line, '', 'no endpoints → refused');

    await l.close({ drain: true });
    const refused = await new Promise<boolean>((r) => connect(port, host).on('connect', () => r(false)).on('error', () => r(true)));
    assert.equal(refused, true);
    const still = new Promise<string>((r) => open.sock.once('data', (d) => r(d.toString())));
    open.sock.write('pong');
    assert.equal(await still, 'pong', 'draining connection survives close');
    open.sock.destroy();
  } finally {
    await l.close({ drain: false });
    a.server.close();
    b.server.close();
  }
});

test('TCP: ClientIP affinity sticks', async () => {
  const a = await tcpBackend('a', '127.0.88.1');
  const b = await tcpBackend('b', '127.0.88.2');
  const host = '127.0.88.11';
  const port = await freePort(host);
  const l = await listenTcp({ address: host, port, target: { backends: [be('127.0.88.1', a.port), be('127.0.88.2', b.port)], affinityTimeoutMs: 60_000 }, log: silentLogger });
  try {
    const names = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { line, sock } = await firstLine(host, port);
      names.add(line);
      sock.destroy();
    }
    assert.equal(names.size, 1);
  } finally {
    await l.close({ drain: false });
    a.server.close();
    b.server.close();
  }
});

async function udpBackend(name: string, host: string): Promise<{ sock: UdpSocket; port: number }> {
  const sock = createSocket('udp4');
  sock.on('message', (m, r) => sock.send(`${name}:${m.toString()}`, r.port, r.address));
  await new Promise<void>((r) => sock.bind(0, host, r));
  return { sock, port: sock.address().port };
}

function udpAsk(client: UdpSocket, host: string, port: number, msg: string): Promise<{ reply: string; from: string }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no UDP reply')), 3000);
    client.once('message', (m, r) => {
      clearTimeout(t);
      resolve({ reply: m.toString(), from: `${r.address}:${r.port}` });
    });
    client.send(msg, port, host);
  });
}

test('UDP: a client flow sticks to one backend, flows are balanced, replies come from the service address', async () => {
  const a = await udpBackend('a', '127.0.88.1');
  const b = await udpBackend('b', '127.0.88.2');
  const host = '127.0.88.12';
  const port = await freePort(host);
  const l = await listenUdp({ address: host, port, target: { backends: [be('127.0.88.1', a.port), be('127.0.88.2', b.port)], affinityTimeoutMs: undefined }, log: silentLogger });
  const c1 = createSocket('udp4');
  const c2 = createSocket('udp4');
  try {
    const r1 = await udpAsk(c1, host, port, 'x');
    const r2 = await udpAsk(c1, host, port, 'y');
    const r3 = await udpAsk(c2, host, port, 'z');
    assert.equal(r1.from, `${host}:${port}`);
    assert.equal(r1.reply.split(':')[0], r2.reply.split(':')[0], 'one flow, one backend');
    assert.equal(r2.reply.split(':')[1], 'y');
    assert.notEqual(r3.reply.split(':')[0], r1.reply.split(':')[0], 'second flow, next backend');
  } finally {
    c1.close();
    c2.close();
    await l.close({ drain: false });
    a.sock.close();
    b.sock.close();
  }
});
