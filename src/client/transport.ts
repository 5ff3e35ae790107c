import type { Readable } from 'node:stream';

/**
 * How the REST client reaches an API server. The HTTPS transport speaks to a remote
 * server; an in-process transport can hand requests straight to the server's handler.
 * Both must behave identically: same status codes, same headers, same body bytes.
 */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path, e.g. /api/v1/namespaces/default/pods (already escaped). */
  path: string;
  query?: URLSearchParams;
  body?: Buffer;
  headers?: Record<string, string>;
  /** Aborts the request (before or after the response headers arrived). */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Lowercase header names. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The body as it arrives (a watch streams for minutes). The caller must consume or
   * destroy it; destroying it aborts the request.
   */
  body: Readable;
}

export interface Transport {
  /** Sends one request; resolves when the response headers arrive. Rejects on connection errors. */
  request(req: TransportRequest): Promise<TransportResponse>;
  /** Releases pooled connections. */
  close(): void;
}

/** Reads a whole response body. */
export async function readBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
