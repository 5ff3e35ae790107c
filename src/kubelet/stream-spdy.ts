/**
 * Exec and attach over SPDY/3.1, as kubectl before 1.30 speaks them (and newer kubectl after a failed
 * WebSocket attempt): after `101` with the negotiated `X-Stream-Protocol-Version`
 * (v4.channel.k8s.io), the client opens one SPDY stream per channel, named by the
 * `streamType` header — error, stdin, stdout, stderr, resize — and the session starts
 * once every stream the query asks for is there. The exit status goes on the error
 * stream as a Status (v4), as the kubelet's remotecommand server does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decodeResize, type StreamChannels } from './stream-channels.js';
import { SpdySession, type SpdyStream } from './port-forward-spdy.js';

const PROTOCOL = 'v4.channel.k8s.io';
const STREAMS_TIMEOUT_MS = 30_000;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/** Answers the upgrade and resolves with the session's channels, or undefined after refusing it. */
export async function acceptSpdyStreams(req: IncomingMessage, socket: Duplex, head: Buffer, q: URLSearchParams): Promise<StreamChannels | undefined> {
  const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!offered.includes(PROTOCOL)) {
    const message = `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(', ')}], server supports [${PROTOCOL}]`;
    socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
    return undefined;
  }
  const tty = q.get('tty') === 'true';
  const wanted = new Set<StreamType>(['error']);
  if (q.get('stdin') === 'true') wanted.add('stdin');
  if (q.get('stdout') === 'true') wanted.add('stdout');
  if (q.get('stderr') === 'true' && !tty) wanted.add('stderr');
  if (tty) wanted.add('resize');

  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PROTOCOL}\r\n\r\n`);
  if (head.length > 0) socket.unshift(head);
  const streams = new Map<StreamType, SpdyStream>();
  let ready: () => void = () => {};
  const allThere = new Promise<void>((r) => (ready = r));
  const session = new SpdySession({
    transport: socket,
    isServer: true,
    onStream: (stream) => {
      const type = stream.headers.get('streamtype') as StreamType | undefined;
      if (!type || !wanted.has(type) || streams.has(type)) return void stream.destroy();
      streams.set(type, stream);
      if (streams.size === wanted.size) ready();
    },
  });
  const timer = setTimeout(() => session.close(), STREAMS_TIMEOUT_MS);
  await Promise.race([allThere, session.done]);
  clearTimeout(timer);
  if (streams.size !== wanted.size) return undefined;
  return spdyChannels(session, streams);
}

function spdyChannels(session: SpdySession, streams: Map<StreamType, SpdyStream>): StreamChannels {
  const out: Record<1 | 2 | 3, SpdyStream | undefined> = { 1: streams.get('stdout'), 2: streams.get('stderr'), 3: streams.get('error') };
  return {
    send: (ch, data) => {
      const s = out[ch];
      if (s && !s.destroyed && !s.writableEnded) s.write(data);
    },
    onInput: (input) => {
      const stdin = streams.get('stdin');
      stdin?.on('data', (d: Buffer) => input.stdin(d));
      stdin?.on('end', () => input.stdinEnd());
      let pending = '';
      streams.get('resize')?.on('data', (d: Buffer) => {
        // One JSON object per line ({"Width":…,"Height":…}).
        const lines = (pending + d.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) decodeResize(input, line);
      });
    },
    // A paused stream that fills pauses the connection (port-forward-spdy.ts).
    pauseInput: () => streams.get('stdin')?.pause(),
    resumeInput: () => streams.get('stdin')?.resume(),
    onClose: (handler) => void session.done.then(handler),
    close: () => {
      for (const s of streams.values()) if (!s.writableEnded) s.end();
      // Let the FINs go out before the connection closes.
      setTimeout(() => session.close(), 100).unref();
    },
  };
}
