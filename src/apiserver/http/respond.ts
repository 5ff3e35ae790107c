import type { ServerResponse } from 'node:http';
import { toApiError } from '../../machinery/status.js';

/**
 * Writes a JSON body with the given status and content type. No-op when the response
 * has already been started or finished (a timed-out request whose handler answers late).
 */
export function writeJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  if (res.writableEnded || res.headersSent) return;
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(code, { ...headers, 'Content-Type': contentType, 'Content-Length': bytes.length });
  res.end(bytes);
}

/** Writes plain text (health checks, metrics). */
export function writeText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  if (res.writableEnded || res.headersSent) return;
  const bytes = Buffer.from(text);
  res.writeHead(code, { 'Content-Type': contentType, 'X-Content-Type-Options': 'nosniff', 'Content-Length': bytes.length });
  res.end(bytes);
}

/**
 * Writes the Status for an error (machinery's `toApiError`: anything that is not an API
 * error is a bug and becomes a 500 InternalError, which the caller logs). A Status asking
 * the client to retry later also gets a `Retry-After` header. Returns the HTTP code.
 */
export function writeStatus(res: ServerResponse, err: unknown): number {
  const e = toApiError(err);
  const retry = e.retryAfterSeconds;
  writeJson(res, e.code, e.status, 'application/json', retry ? { 'Retry-After': String(retry) } : {});
  return e.code;
}

/** Whether the client takes gzip (`Accept-Encoding: gzip`, not with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const v = Array.isArray(header) ? header.join(',') : (header ?? '');
  return v.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding?.trim() !== 'gzip' && coding?.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Writes a cached body, gzipped when the client accepts it (`gzipped()` is called at most
 * once per body by the caller's cache). For large, rarely changing documents (OpenAPI).
 */
export function writeCached(
  res: ServerResponse,
  acceptEncoding: string | string[] | undefined,
  contentType: string,
  body: Buffer | Uint8Array,
  gzipped: () => Buffer,
): void {
  if (res.writableEnded || res.headersSent) return;
  res.setHeader('Vary', appendVary(res.getHeader('Vary'), 'Accept-Encoding'));
  const zip = acceptsGzip(acceptEncoding);
  const bytes = zip ? gzipped() : body;
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': bytes.length, ...(zip ? { 'Content-Encoding': 'gzip' } : {}) });
  res.end(bytes);
}

function appendVary(current: unknown, field: string): string {
  const have = typeof current === 'string' && current !== '' ? current.split(',').map((x) => x.trim()) : [];
  return [...have.filter((x) => x !== field), field].join(', ');
}
