/**
 * Forwards one authenticated, authorized request to an extension API server and streams
 * the answer back (watches included), as kube-aggregator's proxy handler does: the
 * caller's credentials are dropped and the user is passed as X-Remote-User /
 * X-Remote-Group (the front-proxy request headers). Upgrades (exec-like streams) are
 * spliced through.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request, type Agent } from 'node:https';
import type { Duplex } from 'node:stream';
import { serviceUnavailable } from '../../machinery/status.js';
import { writeStatus } from '../http/respond.js';
import type { UserInfo } from '../types.js';
import { tlsOptions, type RemoteTarget } from './transport.js';

/** upstream's message for an APIService that cannot be reached. */
export const UNAVAILABLE_MESSAGE = 'the server is currently unable to handle the request';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Never forwarded: the caller's credentials and any identity headers it tried to set itself. */
const DROPPED = /^(authorization|impersonate-.*|x-remote-.*)$/i;

/** Request headers for the extension server. `upgrade` keeps Connection/Upgrade. */
export function forwardedHeaders(headers: IncomingHttpHeaders, user: UserInfo, target: RemoteTarget, upgrade = false): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED.test(name) || name === 'host') continue;
    if (HOP_BY_HOP.has(name) && !(upgrade && (name === 'connection' || name === 'upgrade'))) continue;
    out[name] = value;
  }
  out['host'] = `${target.serverName}:${target.port}`;
  out['x-remote-user'] = user.name;
  if (user.groups.length) out['x-remote-group'] = [...user.groups];
  return out;
}

function responseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/**
 * Proxies `req` to `target` at `path` (path and query). Resolves when the response is
 * over. A failure before the answer started is a 503 Status (`onUnreachable` is told, so
 * availability can be re-checked); after that the connection is cut.
 */
export function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: RemoteTarget,
  agent: Agent,
  user: UserInfo,
  path: string,
  onUnreachable: (err: Error) => void,
): Promise<void> {
  return new Promise((resolve) => {
    let ended = false;
    const upstream = request({ ...tlsOptions(target), agent, method: req.method ?? 'GET', path, headers: forwardedHeaders(req.headers, user, target) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, responseHeaders(answer.headers));
      res.flushHeaders();
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      answer.on('end', () => {
        ended = true;
        resolve();
      });
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        onUnreachable(err);
        writeStatus(res, serviceUnavailable(UNAVAILABLE_MESSAGE));
        if (!req.readableEnded) req.resume();
      } else res.destroy();
      resolve();
    });
    // The client went away (a watch ended): stop the upstream request too.
    res.on('close', () => {
      // Only an unfinished exchange: a finished one's socket went back to the agent's pool.
      if (!ended) upstream.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}

/** Writes a plain HTTP/1.1 response head on a raw socket. */
function rawHead(status: number, message: string, headers: IncomingHttpHeaders): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  return `${head}\r\n`;
}

/**
 * Splices an upgrade request (WebSocket, SPDY) through to the extension server: its 101
 * and then both directions byte for byte; a non-101 answer is relayed and the socket closed.
 */
export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: RemoteTarget, user: UserInfo, path: string): Promise<void> {
  return new Promise((resolve) => {
    const upstream = request({ ...tlsOptions(target), agent: false, method: req.method ?? 'GET', path, headers: forwardedHeaders(req.headers, user, target, true) });
    upstream.on('upgrade', (answer, remote, remoteHead) => {
      socket.write(rawHead(101, 'Switching Protocols', answer.headers));
      if (remoteHead.length) socket.write(remoteHead);
      if (head.length) remote.write(head);
      remote.pipe(socket);
      socket.pipe(remote);
      const done = (): void => {
        remote.destroy();
        socket.destroy();
        resolve();
      };
      remote.on('close', done);
      socket.on('close', done);
      remote.on('error', done);
    });
    upstream.on('response', (answer) => {
      socket.write(rawHead(answer.statusCode ?? 502, answer.statusMessage ?? '', { ...responseHeaders(answer.headers), connection: 'close' }));
      answer.pipe(socket);
      answer.on('end', () => {
        socket.end();
        resolve();
      });
    });
    upstream.on('error', () => {
      const body = JSON.stringify(serviceUnavailable(UNAVAILABLE_MESSAGE).status);
      if (!socket.destroyed) socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      resolve();
    });
    socket.on('error', () => upstream.destroy());
    upstream.end();
  });
}
