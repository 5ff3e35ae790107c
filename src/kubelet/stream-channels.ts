/**
 * The streams of an exec or attach session, whatever carries them (WebSocket channels or
 * SPDY streams): one transport layer under both verbs. Channel numbers are the
 * remotecommand protocol's: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close.
 */
import type { WebSocket } from 'ws';

/** What the client sends, decoded. */
export interface StreamInput {
  stdin(data: Buffer): void;
  /** The client closed stdin (v5 close signal, or the end of the SPDY stdin stream). */
  stdinEnd(): void;
  resize(cols: number, rows: number): void;
}

export interface StreamChannels {
  send(channel: 1 | 2 | 3, data: Buffer | string): void;
  /** Where the client's input goes; what came before this call is delivered then, in order. */
  onInput(input: StreamInput): void;
  /** Stop and restart reading the client's input (its stdin comes faster than it is written). */
  pauseInput(): void;
  resumeInput(): void;
  /** The client went away. */
  onClose(handler: () => void): void;
  /** Ends the session after the status was sent. */
  close(): void;
}

/** The Status a session ends with (channel 3 / the error stream). */
export type SessionStatus = { status: 'Success' } | { status: 'Failure'; message: string; reason: string; code?: number; details?: unknown };

/** Sends the final Status and closes the session. */
export function endSession(io: StreamChannels, status: SessionStatus): void {
  io.send(3, JSON.stringify({ metadata: {}, ...status }));
  io.close();
}

/**
 * Writes the client's stdin to `stdin`; while `stdin` is full the client's input is paused
 * (until it drains, or closes), so a fast client cannot pile data up in the kubelet.
 */
export function writeStdin(io: StreamChannels, stdin: NodeJS.WritableStream, data: Buffer): void {
  if (!stdin.writable || stdin.write(data)) return;
  io.pauseInput();
  const resume = (): void => {
    stdin.removeListener('drain', resume).removeListener('close', resume);
    io.resumeInput();
  };
  stdin.once('drain', resume).once('close', resume);
}

/** A resize message ({"Width":…,"Height":…}) to the input handler; a malformed one is dropped. */
export function decodeResize(input: StreamInput, payload: Buffer | string): void {
  try {
    const size = JSON.parse(payload.toString()) as { Width?: unknown; Height?: unknown };
    if (typeof size.Width === 'number' && typeof size.Height === 'number') input.resize(size.Width, size.Height);
  } catch {
    // not JSON: ignore, as the kubelet does
  }
}

/** WebSocket v4/v5.channel.k8s.io: every message is [channel byte][payload]. */
export function webSocketChannels(ws: WebSocket): StreamChannels {
  // Input sent before the session is ready for it (kubectl writes stdin at once, while the
  // container's stdin may still be opening) waits here instead of being dropped.
  let input: StreamInput | undefined;
  const early: Buffer[] = [];
  const deliver = (to: StreamInput, data: Buffer): void => {
    const payload = data.subarray(1);
    if (data[0] === 0) to.stdin(payload);
    else if (data[0] === 4) decodeResize(to, payload);
    else if (data[0] === 255 && payload[0] === 0) to.stdinEnd();
  };
  ws.on('message', (data: Buffer) => (input ? deliver(input, data) : early.push(data)));
  return {
    send: (ch, data) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
    },
    onInput: (to) => {
      input = to;
      for (const data of early.splice(0)) deliver(to, data);
    },
    pauseInput: () => ws.pause(),
    resumeInput: () => ws.resume(),
    onClose: (handler) => ws.on('close', handler),
    close: () => ws.close(1000),
  };
}
