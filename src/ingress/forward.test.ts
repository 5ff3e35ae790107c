import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { endToEndHeaders, upstreamHeaders } from './forward.js';

test('hop-by-hop headers, and those Connection names, are not forwarded', () => {
  const out = endToEndHeaders({ host: 'a.test', connection: 'keep-alive, X-Secret', 'keep-alive': 'timeout=5', 'x-secret': '1', 'transfer-encoding': 'chunked', upgrade: 'h2c', 'content-type': 'text/plain' });
  assert.deepEqual(out, { host: 'a.test', 'content-type': 'text/plain' });
});

test('X-Forwarded-For appends the client to the chain; Host is kept; -Host and -Proto are set', () => {
  const req = { headers: { host: 'a.test:8080', 'x-forwarded-for': '198.18.0.9' }, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
  assert.deepEqual(upstreamHeaders(req, 'http'), { host: 'a.test:8080', 'x-forwarded-for': '198.18.0.9, 127.0.0.1', 'x-forwarded-host': 'a.test:8080', 'x-forwarded-proto': 'http' });
});
