import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startHarness, type Harness } from './test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness({ maxWatcherBufferBytes: 256 * 1024 });
});
after(async () => {
  await h.close();
});

test('LIST is a consistent read: a write straight to the store is visible at once', async () => {
  for (let i = 0; i < 20; i++) {
    const key = `/registry/core/things/default/direct-${i}`;
    await h.store.create(key, new TextEncoder().encode(JSON.stringify({ apiVersion: 'v1', kind: 'Thing', metadata: { name: `direct-${i}`, namespace: 'default' } })));
    const l = await h.req('GET', '/api/v1/namespaces/default/things');
    assert.ok(l.body.items.some((o: { metadata: { name: string } }) => o.metadata.name === `direct-${i}`), `direct-${i} missing`);
    assert.ok(Number(l.body.metadata.resourceVersion) >= (await h.store.currentRevision()) - 0);
  }
});

test('a watcher that does not read is cut off instead of buffering without bound', async () => {
  const url = new URL(h.url);
  const sock = connect(Number(url.port), url.hostname);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write('GET /api/v1/namespaces/default/things?watch=true&resourceVersion=0 HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n');
  sock.pause(); // never read: the server's writes pile up
  let closed = false;
  sock.on('close', () => (closed = true));
  const big = 'x'.repeat(200 * 1024);
  const produced = 60 * big.length;
  for (let i = 0; i < 60; i++) {
    const r = await h.req('POST', '/api/v1/namespaces/default/things', { metadata: { name: `big-${i}` }, data: { big } });
    assert.equal(r.status, 201);
  }
  // Now drain what the kernel buffered: the stream must end well before carrying everything.
  let received = 0;
  sock.on('data', (d: Buffer) => (received += d.length));
  sock.resume();
  const deadline = Date.now() + 5000;
  while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(closed, true, 'the slow watcher was not cut off');
  assert.ok(received < produced, `received ${received} of ${produced} bytes`);
  // The server is fine and serves new watches.
  const l = await h.req('GET', '/api/v1/namespaces/default/things?limit=1');
  assert.equal(l.status, 200);
});
