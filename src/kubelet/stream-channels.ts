import type { WebSocket } from 'ws';

/**
 * An exec session's streams, whatever carries them: the channel numbers of the
 * remotecommand protocol (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close).
 */
export interface ExecChannels {
  send(channel: 1 | 2 | 3, data: Buffer | string): void;
  /** Input from the client: stdin bytes (0), a resize JSON (4), or stdin closed (255 with payload [0]). */
  onInput(handler: (channel: number, payload: Buffer) => void): void;
  /** The client went away. */
  onClose(handler: () => void): void;
  /** Ends the session after the status was sent. */
  close(): void;
}

/** WebSocket v4/v5.channel.k8s.io: every message is [channel byte][payload]. */
export function webSocketChannels(ws: WebSocket): ExecChannels {
  return {
    send: (ch, data) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
    },
    onInput: (handler) => ws.on('message', (data: Buffer) => handler(data[0] ?? -1, data.subarray(1))),
    onClose: (handler) => ws.on('close', handler),
    close: () => ws.close(1000),
  };
}
