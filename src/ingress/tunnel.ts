import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../client/logger.js';
import { upstreamHeaders } from './forward.js';

/** The request head sent to the backend: as received, with X-Forwarded-* and the upgrade kept. */
export function upgradeRequestHead(req: IncomingMessage, proto: 'http' | 'https'): string {
  const headers = { ...upstreamHeaders(req, proto), connection: 'Upgrade', upgrade: String(req.headers.upgrade ?? '') };
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) head += `${name}: ${String(v)}\r\n`;
  }
  return `${head}\r\n`;
}

/**
 * Forwards a request asking to switch protocols (WebSocket, mostly) to ip:port and, once
 * connected, joins the two connections byte for byte: the backend's answer (101 or a
 * refusal) reaches the client as it is, and so does everything after it. A backend that
 * cannot be reached gets the client a 502; either side closing closes the other.
 */
export function tunnel(req: IncomingMessage, client: Duplex, head: Buffer, target: { ip: string; port: number }, opts: { log: Logger; proto: 'http' | 'https' }): void {
  const upstream = connect(target.port, target.ip);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    upstream.write(upgradeRequestHead(req, opts.proto));
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', (err) => {
    if (!connected && client.writable) {
      opts.log.warn('backend connection failed', { backend: `${target.ip}:${target.port}`, url: req.url, error: String(err) });
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 12\r\nconnection: close\r\n\r\nBad Gateway\n');
    } else client.destroy();
  });
  // A clean end travels through pipe() (flushing what is left); only a broken backend cuts the client.
  upstream.on('close', (hadError) => hadError && client.destroy());
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}
