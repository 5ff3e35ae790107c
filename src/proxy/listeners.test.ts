import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
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

/** Polls `fn` every 50 ms until it returns true; throws after `ms`. */
async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Everything a socket reads, and whether its FIN (end) has arrived. */
function collect(sock: Socket): { data: () => string; ended: () => boolean } {
  let buf = '';
  let ended = false;
  sock.on('data', (d: Buffer) => (buf += d.toString()));
  sock.on('end', () => (ended = true));
  return { data: () => buf, ended: () => ended };
}

test('TCP: half-close passes through in both directions', async () => {
  // A backend that answers once the client has finished sending (a FIN), like `nc -N`
  // clients expect; and one that sends first and closes its side, then keeps reading.
  const got: string[] = [];
  const answersAfterEof = createServer({ allowHalfOpen: true }, (s) => {
    let req = '';
    s.on('data', (d: Buffer) => (req += d.toString()));
    s.on('end', () => s.end(`got ${req}`));
  });
  const sendsFirst = createServer({ allowHalfOpen: true }, (s) => {
    let req = '';
    s.end('hello');
    s.on('data', (d: Buffer) => (req += d.toString()));
    s.on('end', () => got.push(req));
  });
  await new Promise<void>((r) => answersAfterEof.listen(0, '127.0.88.1', r));
  await new Promise<void>((r) => sendsFirst.listen(0, '127.0.88.2', r));
  const host = '127.0.88.13';
  const [p1, p2] = [await freePort(host), await freePort('127.0.88.14')];
  const target = (ip: string, s: Server) => ({ backends: [be(ip, (s.address() as { port: number }).port)], affinityTimeoutMs: undefined });
  const l1 = await listenTcp({ address: host, port: p1, target: target('127.0.88.1', answersAfterEof), log: silentLogger });
  const l2 = await listenTcp({ address: '127.0.88.14', port: p2, target: target('127.0.88.2', sendsFirst), log: silentLogger });
  const socks: Socket[] = [];
  try {
    const c1 = connect({ host, port: p1, allowHalfOpen: true });
    socks.push(c1);
    const r1 = collect(c1);
    c1.end('ping');
    await until('the answer after our FIN, then the backend FIN', () => r1.ended());
    assert.equal(r1.data(), 'got ping');

    const c2 = connect({ host: '127.0.88.14', port: p2, allowHalfOpen: true });
    socks.push(c2);
    const r2 = collect(c2);
    await until('the backend FIN', () => r2.ended());
    assert.equal(r2.data(), 'hello');
    // Our side is still open through the proxy: what we send now reaches the backend.
    c2.end('late');
    await until('the backend reads our data and FIN', () => got.length > 0);
    assert.deepEqual(got, ['late']);
  } finally {
    for (const s of socks) s.destroy();
    await l1.close({ drain: false });
    await l2.close({ drain: false });
    answersAfterEof.close();
    sendsFirst.close();
  }
});

test('TCP: a slow reader does not make the proxy buffer without bound', async () => {
  // The most the kernel can hold for one proxied connection: a receive and a send buffer on each leg.
  const max = (name: string) => Number(readFileSync(`/proc/sys/net/ipv4/${name}`, 'utf8').trim().split(/\s+/)[2]);
  const kernelBound = 2 * (max('tcp_rmem') + max('tcp_wmem'));
  const total = kernelBound + 32 * 2 ** 20; // a multiple of the chunk size
  // A pattern that shows any byte lost, repeated or reordered on the way.
  const chunk = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => i % 251));
  let accepted = 0; // bytes the backend's kernel has taken
  const source = createServer((s) => {
    let queued = 0;
    const more = () => {
      while (queued < total) {
        queued += chunk.length;
        if (!s.write(chunk, () => (accepted += chunk.length))) return void s.once('drain', more);
      }
      s.end();
    };
    s.on('error', () => {});
    more();
  });
  await new Promise<void>((r) => source.listen(0, '127.0.88.3', r));
  const host = '127.0.88.15';
  const port = await freePort(host);
  const l = await listenTcp({ address: host, port, target: { backends: [be('127.0.88.3', (source.address() as { port: number }).port)], affinityTimeoutMs: undefined }, log: silentLogger });
  const client = connect({ host, port });
  try {
    client.pause();
    await until('the backend sends', () => accepted > 0);
    // Wait until the backend is held back: no progress over 10 polls in a row.
    let last = -1;
    let still = 0;
    await until('the backend stalls or finishes', () => {
      still = accepted === last ? still + 1 : 0;
      last = accepted;
      return still >= 10;
    });
    assert.ok(accepted < total, `the backend got everything out (${accepted} bytes) although nobody reads`);
    assert.ok(accepted <= kernelBound + chunk.length, `${accepted} bytes in flight, more than kernel buffers hold (${kernelBound})`);
    // Reading again lets everything through, intact.
    let received = 0;
    let corruptAt = -1;
    client.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length && corruptAt < 0; i++) if (d[i] !== chunk[(received + i) % chunk.length]) corruptAt = received + i;
      received += d.length;
    });
    const ended = new Promise<void>((r) => client.once('end', () => r()));
    client.resume();
    await ended;
    assert.equal(received, total);
    assert.equal(corruptAt, -1, 'every byte arrives as sent');
  } finally {
    client.destroy();
    await l.close({ drain: false });
    source.close();
  }
});

test('TCP: an error on one leg destroys the other', async () => {
  const host = '127.0.88.16';
  const port = await freePort(host);
  const dead = await freePort('127.0.88.4'); // nothing listens there: the upstream connect is refused
  let backendClosed = false;
  const live = createServer((s) => {
    s.write('hi\n');
    s.on('error', () => {});
    s.on('close', () => (backendClosed = true));
  });
  await new Promise<void>((r) => live.listen(0, '127.0.88.5', r));
  const l = await listenTcp({ address: host, port, target: { backends: [be('127.0.88.4', dead)], affinityTimeoutMs: undefined }, log: silentLogger });
  const socks: Socket[] = [];
  try {
    const c1 = connect({ host, port });
    socks.push(c1);
    let c1Closed = false;
    c1.on('error', () => {}).on('close', () => (c1Closed = true));
    await until('the client connection closes after the refused upstream connect', () => c1Closed);

    l.setTarget({ backends: [be('127.0.88.5', (live.address() as { port: number }).port)], affinityTimeoutMs: undefined });
    const { line, sock } = await firstLine(host, port);
    socks.push(sock);
    assert.equal(line, 'hi', 'connected through to the backend');
    sock.resetAndDestroy();
    await until('the backend connection closes after the client reset', () => backendClosed);
  } finally {
    for (const s of socks) s.destroy();
    await l.close({ drain: false });
    live.close();
  }
});
