import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpsTransport } from '../client/https-transport.js';
import { RestClient } from '../client/rest-client.js';
import { waitFor } from '../../test/e2e/support/wait.js';
import { keepConnectionsWarm } from './warm-connections.js';

test('a warmed pool opens its connections at once and uses the same ones again to keep them open', async () => {
  const connections = new Set<Socket>();
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end('{"major":"1","minor":"32"}');
  });
  server.on('connection', (s: Socket) => connections.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new RestClient({ transport: new HttpsTransport({ connection: { namespace: 'default', context: 'test', server: url }, maxSockets: 3 }), namespace: 'default' });
  const warm = keepConnectionsWarm(client, 3, 100);
  try {
    await waitFor('3 requests', async () => (paths.length >= 3 ? true : undefined), 5000, 10);
    assert.equal(connections.size, 3, 'one connection per socket of the pool, opened before any real request');
    await waitFor('a second round', async () => (paths.length >= 6 ? true : undefined), 5000, 10);
    assert.equal(connections.size, 3, 'the second round reuses the open connections');
    assert.ok(paths.every((p) => p === '/version'));
  } finally {
    warm.stop();
    client.close();
    server.close();
  }
});
