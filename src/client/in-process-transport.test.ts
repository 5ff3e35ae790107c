import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestListener } from 'node:http';
import { InProcessTransport } from './in-process-transport.js';
import { RestClient } from './rest-client.js';
import { isNotFound } from './status-error.js';
import { startClientHarness, ThingKind, type ClientHarness } from './test-harness.js';
import type { WatchEvent } from './watch.js';

type Thing = { metadata?: any; data?: Record<string, string> };

describe('InProcessTransport', () => {
  let h: ClientHarness;
  let client: RestClient;
  before(async () => {
    h = await startClientHarness();
    client = new RestClient({ transport: new InProcessTransport({ server: h.api.server.server }) });
  });
  after(async () => {
    client?.close();
    await h?.close();
  });

  it('serves the same answers as HTTP: CRUD, errors, streamed watch', async () => {
    const things = client.resource<Thing>(ThingKind);
    const overNetwork = h.client.resource<Thing>(ThingKind);
    const list = await things.list({ namespace: 'default' });
    const events: WatchEvent<Thing>[] = [];
    const w = things.watch({ namespace: 'default', resourceVersion: list.metadata.resourceVersion! }, (e) => events.push(e), () => {});
    const created = await things.create({ metadata: { name: 'ip', namespace: 'default' }, data: { big: 'z'.repeat(100_000) } });
    assert.deepEqual(await overNetwork.get('ip', { namespace: 'default' }), created);
    assert.deepEqual(await things.get('ip', { namespace: 'default' }), created);
    await things.delete('ip', { namespace: 'default' });
    await assert.rejects(things.get('ip', { namespace: 'default' }), (err) => isNotFound(err));
    const deadline = Date.now() + 5000;
    while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED']);
    assert.equal(events[0]?.object.data?.big?.length, 100_000);
    w.close();
  });

  it('keeps connections alive: sequential requests reuse one in-memory socket', async () => {
    let connections = 0;
    const count = () => connections++;
    h.api.server.server.on('connection', count);
    const c = new RestClient({ transport: new InProcessTransport({ server: h.api.server.server }) });
    try {
      for (let i = 0; i < 20; i++) await c.resource<Thing>(ThingKind).list({ namespace: 'default', limit: 1 });
      assert.equal(connections, 1);
    } finally {
      c.close();
      h.api.server.server.off('connection', count);
    }
  });

  it('serves a bare request listener (e.g. an https server\'s handler) the same way', async () => {
    const listener = h.api.server.server.listeners('request')[0] as RequestListener;
    const c = new RestClient({ transport: new InProcessTransport({ handler: listener }) });
    try {
      const list = await c.resource<Thing>(ThingKind).list({ namespace: 'default' });
      assert.equal(list.kind, 'ThingList');
    } finally {
      c.close();
    }
    assert.throws(() => new InProcessTransport({}), /exactly one of server or handler/);
  });
});
