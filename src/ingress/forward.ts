import { request, type Agent, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Logger } from '../client/logger.js';

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded;
// Node sets its own framing (content-length or chunked) on each side.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The headers minus hop-by-hop ones, including any the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The request headers sent upstream: end-to-end ones as received (Host included, so
 * name-based backends still see the name the client asked for), plus the X-Forwarded-*
 * trio: the client's address appended to any chain it brought, the original host, and
 * the scheme it used.
 */
export function upstreamHeaders(req: IncomingMessage, proto: 'http' | 'https'): OutgoingHttpHeaders {
  const out = endToEndHeaders(req.headers);
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${client}` : client;
  if (req.headers.host) out['x-forwarded-host'] = req.headers.host;
  out['x-forwarded-proto'] = proto;
  return out;
}

/** Sends a plain-text answer of the proxy's own (404, 502, 503…). */
export function reply(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Proxies one request to ip:port, streaming the body both ways (no buffering, so uploads
 * and long downloads work and back-pressure holds). A backend that cannot be reached, or
 * fails before answering, gets the client a 502; one failing mid-answer cuts the client's
 * connection, the only honest signal left. A client that goes away aborts the upstream request.
 */
export function forward(req: IncomingMessage, res: ServerResponse, target: { ip: string; port: number }, opts: { agent: Agent; log: Logger; proto?: 'http' | 'https' }): void {
  const upstream = request({
    host: target.ip,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: upstreamHeaders(req, opts.proto ?? 'http'),
    agent: opts.agent,
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.headers));
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    // Destroyed because the client left: nobody to answer.
    if (res.destroyed) return;
    opts.log.warn('backend request failed', { backend: `${target.ip}:${target.port}`, url: req.url, error: String(err) });
    reply(res, 502, 'Bad Gateway\n');
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
