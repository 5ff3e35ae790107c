import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * The byte stream carried by binary WebSocket messages (kubectl ≥ 1.30 tunnels SPDY this
 * way: `SPDY/3.1+portforward.k8s.io`, message boundaries mean nothing). Reading pauses
 * the WebSocket when the consumer is behind.
 */
export function webSocketDuplex(ws: WebSocket): Duplex {
  const d = new Duplex({
    read() {
      ws.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb(new Error('WebSocket closed'));
      ws.send(chunk, { binary: true }, (err) => cb(err ?? null));
    },
    final(cb) {
      ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
      cb(err);
    },
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    if (!d.push(data)) ws.pause();
  });
  ws.on('close', () => {
    d.push(null);
    d.destroy();
  });
  ws.on('error', () => d.destroy());
  return d;
}
