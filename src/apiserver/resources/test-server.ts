/**
 * Test support only: a plain-HTTP loopback server that parses resource paths into a
 * RequestInfo (as the HTTP layer does) and hands them to the resource handler, so the
 * resource layer can be driven over real sockets without the full API server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestInfo, ResourceHandler, UpgradeHandler, UserInfo } from '../types.js';

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses `/api/v1/...` or `/apis/<g>/<v>/...`; undefined when the path names no resource. */
export function parseResourcePath(method: string, url: URL): RequestInfo | undefined {
  let all: string[];
  try {
    all = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let group = '';
  let version: string | undefined;
  let parts: string[];
  if (all[0] === 'api') {
    version = all[1];
    parts = all.slice(2);
  } else if (all[0] === 'apis') {
    group = all[1] ?? '';
    version = all[2];
    parts = all.slice(3);
  } else return undefined;
  if (!version || parts.length === 0) return undefined;
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) {
    namespace = parts[1];
    parts.splice(0, 2);
  } else if (parts[0] === 'namespaces' && parts.length >= 2) {
    namespace = parts[1];
  }
  const [resource, name, subresource] = parts as [string, string | undefined, string | undefined];
  const q = url.searchParams;
  const isWatch = q.get('watch') === 'true' || q.get('watch') === '1';
  let verb: RequestInfo['verb'];
  switch (method) {
    case 'GET':
      verb = name ? 'get' : isWatch ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      return undefined;
  }
  return {
    verb,
    group,
    version,
    resource,
    ...(subresource ? { subresource } : {}),
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
    query: q,
  };
}

export interface TestServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startTestServer(
  handler: ResourceHandler,
  user: UserInfo = { name: 'admin', groups: ['system:masters'] },
): Promise<TestServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const info = parseResourcePath(req.method ?? 'GET', url);
    if (!info) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}');
      return;
    }
    handler(req, res, info, user).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const info = parseResourcePath(req.method ?? 'GET', url);
    const up = (handler as { upgrade?: UpgradeHandler }).upgrade;
    if (!info || !up) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    Promise.resolve(up(req, socket, head, info, user)).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
