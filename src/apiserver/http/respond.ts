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
