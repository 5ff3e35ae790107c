import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SpdySession, type SpdyStream } from '../port-forward-spdy.js';
import { exitCodeOf, openAttachSession, openExecSession } from './cri-streams.js';

test('exitCodeOf: v4 error stream statuses', () => {
  assert.equal(exitCodeOf(''), 0);
  assert.equal(exitCodeOf('{"metadata":{},"status":"Success"}'), 0);
  assert.equal(exitCodeOf(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })), 3);
  assert.throws(() => exitCodeOf(JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'error executing command in container: not found' })), /not found/);
  assert.throws(() => exitCodeOf('plain text failure'), /plain text failure/);
});

type Scenario = (streams: Map<string, SpdyStream>, socket: Socket) => void;

/**
 * A stand-in for the CRI streaming server: checks the upgrade, waits for the streams a
 * request with `expected` types opens, then plays `scenario` (which ends by hanging up).
 */
async function streamingServer(expected: string[], scenario: Scenario): Promise<{ url: string; seen: Promise<{ headers: IncomingMessage['headers']; order: string[] }>; close(): void }> {
  let seenResolve: (v: { headers: IncomingMessage['headers']; order: string[] }) => void = () => {};
  const seen = new Promise<{ headers: IncomingMessage['headers']; order: string[] }>((r) => (seenResolve = r));
  const server = createServer((_req, res) => res.writeHead(404).end('not found'));
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    const streams = new Map<string, SpdyStream>();
    const order: string[] = [];
    new SpdySession({
      transport: socket,
      isServer: true,
      onStream: (s) => {
        const type = s.headers.get('streamtype') ?? '';
        order.push(type);
        streams.set(type, s);
        if (streams.size === expected.length) {
          seenResolve({ headers: req.headers, order });
          scenario(streams, socket);
        }
      },
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/exec/token`, seen, close: () => server.close() };
}

function collect(s: NodeJS.ReadableStream | undefined): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s?.on('data', (d: Buffer) => (text += d.toString()));
    s?.on('end', () => resolve(text));
  });
}

test('exec: streams in order, stdin half-closes, output and the exit code survive an immediate hang-up', async () => {
  const srv = await streamingServer(['error', 'stdin', 'stdout', 'stderr'], (s, socket) => {
    let input = '';
    s.get('stdin')!.on('data', (d: Buffer) => (input += d.toString()));
    // cat: the command ends when stdin reaches EOF (the client's FIN).
    s.get('stdin')!.on('end', () => {
      s.get('stdout')!.write(input);
      s.get('stderr')!.write('err\n');
      s.get('error')!.write(JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }));
      // As the Go server does: status, then the connection goes at once.
      socket.end();
    });
  });
  try {
    const session = await openExecSession(srv.url, { stdin: true, tty: false });
    const out = collect(session.stdout);
    const err = collect(session.stderr);
    session.stdin.write('hi\n');
    session.stdin.end();
    assert.equal(await session.wait(), 3);
    assert.equal(await out, 'hi\n');
    assert.equal(await err, 'err\n');
    const seen = await srv.seen;
    assert.deepEqual(seen.order, ['error', 'stdin', 'stdout', 'stderr']);
    assert.equal(seen.headers['x-stream-protocol-version'], 'v4.channel.k8s.io');
    assert.equal(String(seen.headers.upgrade).toLowerCase(), 'spdy/3.1');
  } finally {
    srv.close();
  }
});

test('exec with a TTY: no stderr stream, resizes as JSON lines, a Success status is 0', async () => {
  const srv = await streamingServer(['error', 'stdout', 'resize'], (s, socket) => {
    let sizes = '';
    s.get('resize')!.on('data', (d: Buffer) => {
      sizes += d.toString();
      if (!sizes.endsWith('\n')) return;
      s.get('stdout')!.write(sizes);
      s.get('error')!.write('{"metadata":{},"status":"Success"}');
      socket.end();
    });
  });
  try {
    const session = await openExecSession(srv.url, { stdin: false, tty: true });
    assert.equal(session.stderr, undefined);
    const out = collect(session.stdout);
    session.stdin.end();
    session.resize(80, 24);
    assert.equal(await session.wait(), 0);
    assert.equal(await out, '{"Width":80,"Height":24}\n');
    assert.deepEqual((await srv.seen).order, ['error', 'stdout', 'resize']);
  } finally {
    srv.close();
  }
});

test('exec: a failure Status rejects wait() with its message; a 404 (spent token) rejects the dial', async () => {
  const srv = await streamingServer(['error', 'stdout', 'stderr'], (s, socket) => {
    s.get('error')!.write(JSON.stringify({ status: 'Failure', reason: 'InternalError', message: 'error executing command in container: executable file not found' }));
    socket.end();
  });
  try {
    const session = await openExecSession(srv.url, { stdin: false, tty: false });
    await assert.rejects(session.wait(), /executable file not found/);
    const port = new URL(srv.url).port;
    const server404 = createServer((_req, res) => res.writeHead(404).end('404 page not found'));
    await new Promise<void>((r) => server404.listen(0, '127.0.0.1', () => r()));
    try {
      await assert.rejects(openExecSession(`http://127.0.0.1:${(server404.address() as AddressInfo).port}/exec/spent`, { stdin: false, tty: false }), /answered 404/);
    } finally {
      server404.close();
    }
    assert.ok(port);
  } finally {
    srv.close();
  }
});

test('attach: stdin only; end() sends FIN and then drops the connection', async () => {
  let gone: () => void = () => {};
  const hungUp = new Promise<void>((r) => (gone = r));
  let got = '';
  const finished = new Promise<void>((resolve) => {
    void streamingServer(['error', 'stdin'], (s, socket) => {
      s.get('stdin')!.on('data', (d: Buffer) => (got += d.toString()));
      s.get('stdin')!.on('end', () => resolve());
      socket.on('close', () => gone());
    }).then(async (srv) => {
      const held = await openAttachSession(srv.url, { stdin: true, tty: false });
      held.stdin!.write('line\n');
      held.end();
      held.end();
      await hungUp;
      srv.close();
    });
  });
  await finished;
  await hungUp;
  assert.equal(got, 'line\n');
});
