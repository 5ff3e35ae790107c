import type { ServerResponse } from 'node:http';
import { goQuote } from '../../machinery/field-errors.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import type { VerbArgs } from './context.js';
import { ApiError, toApiError } from './errors.js';
import { responseShape } from './media-type.js';
import { parseIncludeObject, renderTable } from './table.js';

/** `Warning: 299 - "text"` values, as kube-apiserver formats them. */
export function warningHeaders(warnings: readonly string[]): string[] {
  return [...new Set(warnings)].map((w) => `299 - ${goQuote(w)}`);
}

/** Writes a JSON body (already serialized or not). */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  opts: { contentType?: string; warnings?: readonly string[]; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent || res.destroyed) {
    res.end();
    return;
  }
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'content-type': opts.contentType ?? 'application/json',
    'content-length': String(Buffer.isBuffer(text) ? text.length : Buffer.byteLength(text)),
    ...(opts.headers ?? {}),
  };
  if (opts.warnings && opts.warnings.length > 0) headers['warning'] = warningHeaders(opts.warnings);
  res.writeHead(code, headers);
  res.end(text);
}

/** Writes an error as a Status object (429/503/504 get Retry-After). */
export function sendError(res: ServerResponse, err: unknown, warnings?: readonly string[]): void {
  const e = err instanceof ApiError ? err : toApiError(err);
  const headers: Record<string, string> = {};
  const retry = e.status.details?.retryAfterSeconds;
  if (retry !== undefined) headers['retry-after'] = String(retry);
  sendJson(res, e.code, e.status, { headers, ...(warnings ? { warnings } : {}) });
}

/**
 * Writes one object in the shape the client asked for (object, Table, or metadata).
 * `json`, when given, must be obj's JSON bytes: sent as they are instead of serializing again.
 */
export function sendObject(a: VerbArgs, code: number, obj: KubeObject, warnings?: readonly string[], json?: Buffer): void {
  const shape = responseShape(a.req.headers.accept);
  const w = warnings ? { warnings } : {};
  if (shape.as === 'Table') {
    const table = renderTable(a.spec, [obj], {
      includeObject: parseIncludeObject(a.info.query.get('includeObject')),
      version: shape.version,
      now: a.ctx.now(),
      listMeta: { resourceVersion: String(obj.metadata?.resourceVersion ?? '') },
    });
    sendJson(a.res, code, table, { contentType: `application/json;as=Table;v=${shape.version};g=meta.k8s.io`, ...w });
    return;
  }
  if (shape.as === 'PartialObjectMetadata') {
    const pom = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${shape.version}`, metadata: obj.metadata ?? {} };
    sendJson(a.res, code, pom, { contentType: `application/json;as=PartialObjectMetadata;v=${shape.version};g=meta.k8s.io`, ...w });
    return;
  }
  sendJson(a.res, code, json ?? obj, w);
}

/** The `Status` returned by a delete that removed the object without returning it. */
export function successStatus(details: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
