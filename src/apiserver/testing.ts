/**
 * Test helpers for the API server (in-process): a temp-dir server and HTTPS requests
 * that trust its CA.
 */
import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../client/logger.js';
import { startApiServer, type ApiServer, type ApiServerConfig } from './server.js';

export interface Reply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

/** One HTTPS request to `server`; resolves with the whole reply. */
export function call(
  server: { url: string; caPem: string },
  method: string,
  path: string,
  opts: { token?: string; cert?: string; key?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  const u = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method,
        ca: server.caPem,
        ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}),
        agent: false,
        headers: {
          ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(opts.body)) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ code: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Starts a server on 127.0.0.1:0 in a temp dir; `stop()` closes it and removes the dir. */
export async function startTempServer(extra: Partial<ApiServerConfig> = {}): Promise<ApiServer & { stop(): Promise<void>; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-apiserver-'));
  try {
    const s = await startApiServer({ dataDir, port: 0, bindAddress: '127.0.0.1', logger: silentLogger, ...extra });
    return Object.assign(s, {
      dataDir,
      stop: async () => {
        try {
          await s.close();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
