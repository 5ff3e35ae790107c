/**
 * Serves a directory of static files (the dashboard) under a path prefix. Only regular
 * files with a known extension inside the root are served; dot-files, `..`, encoded
 * slashes and symlinks leading out of the root are refused with 404. Every answer
 * carries a strict Content-Security-Policy (only 'self'), so the page can load nothing
 * but its own scripts and styles and talk only to this server. A few files of npm
 * packages (the terminal's xterm.js) are served from node_modules by an explicit
 * allow-list of exact paths; nothing else under node_modules is reachable.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, sep } from 'node:path';

/**
 * The package files the dashboard may load, by URL path under the site's prefix → the
 * module specifier of the file in node_modules. Exact paths only.
 */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  'vendor/xterm/xterm.mjs': '@xterm/xterm/lib/xterm.mjs',
  'vendor/xterm/xterm.css': '@xterm/xterm/css/xterm.css',
};

const requireHere = createRequire(import.meta.url);

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

export interface StaticSite {
  /** Directory holding the files; `index.html` answers the prefix itself. */
  root: string;
  /** URL prefix without a trailing slash, e.g. `/dashboard`. */
  prefix: string;
  /** Allow-listed package files (default VENDOR_FILES). */
  vendor?: Readonly<Record<string, string>>;
}

/** The file an allow-listed vendor path maps to; undefined when not listed or not installed. */
export function resolveVendorPath(site: StaticSite, rawPath: string): string | undefined {
  if (!rawPath.startsWith(`${site.prefix}/vendor/`)) return undefined;
  const files = site.vendor ?? VENDOR_FILES;
  const key = rawPath.slice(site.prefix.length + 1);
  if (!Object.hasOwn(files, key)) return undefined;
  try {
    return requireHere.resolve(files[key] as string);
  } catch {
    return undefined;
  }
}

/**
 * Maps the raw request path to a file path under `root`, or undefined when the path is
 * not one we serve (outside the prefix, traversal, dot-files, unknown extension).
 * Pure: touches no file system.
 */
export function resolveStaticPath(site: StaticSite, rawPath: string): string | undefined {
  if (!rawPath.startsWith(`${site.prefix}/`)) return undefined;
  const rest = rawPath.slice(site.prefix.length + 1);
  const encoded = rest === '' ? ['index.html'] : rest.split('/');
  const segments: string[] = [];
  for (const e of encoded) {
    let s: string;
    try {
      s = decodeURIComponent(e);
    } catch {
      return undefined;
    }
    if (s === '' || s.startsWith('.') || /[/\\\0]/.test(s)) return undefined;
    segments.push(s);
  }
  const last = segments[segments.length - 1] ?? '';
  if (!(extname(last) in CONTENT_TYPES)) return undefined;
  return join(site.root, ...segments);
}

/**
 * Answers one request under the site's prefix: 200 with the file, 304 when the client's
 * ETag matches, a redirect from the bare prefix to `prefix/`, 404 for anything else, 405
 * for methods other than GET and HEAD. Never throws for a missing file.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, site: StaticSite): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return end(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  }
  if (rawPath === site.prefix) {
    return end(res, 301, '', { Location: `${site.prefix}/${q < 0 ? '' : url.slice(q)}` });
  }
  const vendorFile = resolveVendorPath(site, rawPath);
  const file = vendorFile ?? resolveStaticPath(site, rawPath);
  const found = file === undefined ? undefined : vendorFile !== undefined ? await regularFile(vendorFile) : await regularFileInside(site.root, file);
  if (!found) return end(res, 404, 'not found\n');

  const etag = `"${createHash('sha1').update(`${found.size}:${found.mtimeMs}:${found.path}`).digest('base64url').slice(0, 20)}"`;
  const headers = {
    'Content-Type': CONTENT_TYPES[extname(found.path)] ?? 'application/octet-stream',
    // Revalidate every time: the assets change with the server, not on a schedule.
    'Cache-Control': 'no-cache',
    ETag: etag,
  };
  if (req.headers['if-none-match'] === etag) return end(res, 304, '', headers);
  const body = await readFile(found.path);
  res.writeHead(200, { ...SECURITY_HEADERS, ...headers, 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function regularFile(file: string): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  try {
    const real = await realpath(file);
    const st = await stat(real);
    return st.isFile() ? { path: real, size: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

async function regularFileInside(root: string, file: string): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  try {
    const [realRoot, real] = await Promise.all([realpath(root), realpath(file)]);
    if (!real.startsWith(realRoot + sep)) return undefined;
    const st = await stat(real);
    return st.isFile() ? { path: real, size: st.size, mtimeMs: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function end(res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const body = Buffer.from(text);
  res.writeHead(code, {
    ...SECURITY_HEADERS,
    'Cache-Control': 'no-cache',
    ...(text ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}),
    ...headers,
    'Content-Length': body.length,
  });
  res.end(body);
}
