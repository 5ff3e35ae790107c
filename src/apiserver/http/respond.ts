import type { ServerResponse } from 'node:http';
import { StatusError, internalError } from './status.js';

/**
 * Writes a JSON body with the given status and content type. No-op when the response
 * has already been finished (a timed-out request whose handler answers late).
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
 * Writes a Status for an error. Non-StatusError values are bugs or I/O failures: they
 * become a 500 InternalError (the caller logs them).
 */
export function writeStatus(res: ServerResponse, err: unknown): number {
  const e = err instanceof StatusError ? err : internalError(err instanceof Error ? err.message : String(err));
  writeJson(res, e.code, e.status, 'application/json', { ...e.headers });
  return e.code;
}
