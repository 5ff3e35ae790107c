import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventKind } from '../../api/core/v1/index.js';
import { startHarness } from './test-kinds.js';

test('events older than the TTL are swept, newer ones stay', async () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const h = await startHarness({ kinds: [EventKind], layer: { now: () => now, eventTtlMs: 3_600_000, eventSweepIntervalMs: 20 } });
  try {
    const ev = (name: string, last: string) => ({
      metadata: { name },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
      reason: 'Test',
      message: 'm',
      type: 'Normal',
      count: 1,
      firstTimestamp: last,
      lastTimestamp: last,
      source: { component: 'test' },
    });
    assert.equal((await h.req('POST', '/api/v1/namespaces/default/events', ev('old', '2026-01-01T00:00:00Z'))).status, 201);
    assert.equal((await h.req('POST', '/api/v1/namespaces/default/events', ev('new', '2026-01-01T00:50:00Z'))).status, 201);
    now = new Date('2026-01-01T01:30:00Z');
    const deadline = Date.now() + 3000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      names = (await h.req('GET', '/api/v1/namespaces/default/events')).body.items.map((e: { metadata: { name: string } }) => e.metadata.name);
      if (names.length === 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(names, ['new']);
  } finally {
    await h.close();
  }
});
