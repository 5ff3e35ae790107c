import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpsTransport } from './https-transport.js';
import { clientFromConnection, RestClient } from './rest-client.js';
import { ApiError } from './status-error.js';
import { isAlreadyExists, isConflict, isNotFound } from './status-error.js';
import { startClientHarness, ThingKind, WidgetKind, type ClientHarness } from './test-harness.js';
import type { WatchEvent } from './watch.js';

type Thing = { apiVersion?: string; kind?: string; metadata?: any; data?: Record<string, string> };
type Widget = { metadata?: any; spec?: { replicas?: number; image?: string }; status?: { replicas?: number; phase?: string } };

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('RestClient against the API server', () => {
  let h: ClientHarness;
  before(async () => {
    h = await startClientHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('create, get, update (compare-and-swap), patch, delete; errors are typed ApiErrors', async () => {
    const things = h.client.resource<Thing>(ThingKind);
    const created = await things.create({ metadata: { name: 'crud', namespace: 'default' }, data: { a: '1' } });
    assert.equal(created.kind, 'Thing');
    assert.match(created.metadata.resourceVersion, /^\d+$/);
    const got = await things.get('crud', { namespace: 'default' });
    assert.deepEqual(got, created);

    await assert.rejects(things.create({ metadata: { name: 'crud', namespace: 'default' } }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.ok(isAlreadyExists(err));
      assert.equal(err.status.details?.name, 'crud');
      return true;
    });

    const updated = await things.update({ ...got, data: { a: '2' } });
    assert.equal(updated.data?.a, '2');
    await assert.rejects(things.update({ ...got, data: { a: 'stale' } }), (err: unknown) => isConflict(err) && (err as ApiError).code === 409);

    const merged = await things.patch('crud', { data: { b: '3' } }, 'merge', { namespace: 'default' });
    assert.deepEqual(merged.data, { a: '2', b: '3' });
    const jsonPatched = await things.patch('crud', [{ op: 'remove', path: '/data/a' }], 'json', { namespace: 'default' });
    assert.deepEqual(jsonPatched.data, { b: '3' });
    const smp = await things.patch('crud', { data: { c: '4' } }, 'strategic', { namespace: 'default' });
    assert.deepEqual(smp.data, { b: '3', c: '4' });

    await things.delete('crud', { namespace: 'default' });
    await assert.rejects(things.get('crud', { namespace: 'default' }), (err: unknown) => {
      assert.ok(isNotFound(err));
      assert.equal((err as ApiError).status.reason, 'NotFound');
      assert.equal((err as ApiError).message, 'things "crud" not found');
      return true;
    });
    assert.throws(() => things.get('x'), /namespace is required/);
  });

  it('lists with selectors and pagination; deleteCollection by label', async () => {
    const things = h.client.resource<Thing>(ThingKind);
    for (let i = 0; i < 5; i++) {
      await things.create({ metadata: { name: `page-${i}`, namespace: 'default', labels: { set: 'paging', parity: String(i % 2) } } });
    }
    const odd = await things.list({ namespace: 'default', labelSelector: 'set=paging,parity=1' });
    assert.deepEqual(odd.items.map((t) => t.metadata.name), ['page-1', 'page-3']);
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await things.list({ namespace: 'default', labelSelector: 'set=paging', limit: 2, ...(cont ? { continue: cont } : {}) });
      pages++;
      names.push(...page.items.map((t) => t.metadata.name));
      cont = page.metadata.continue || undefined;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(names, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    const byName = await things.list({ namespace: 'default', fieldSelector: 'metadata.name=page-2' });
    assert.equal(byName.items.length, 1);
    await things.deleteCollection({ namespace: 'default', labelSelector: 'set=paging' });
    assert.equal((await things.list({ namespace: 'default', labelSelector: 'set=paging' })).items.length, 0);
  });

  it('status and scale subresources', async () => {
    const widgets = h.client.resource<Widget>(WidgetKind);
    const w = await widgets.create({ metadata: { name: 'w', namespace: 'default' }, spec: { replicas: 1, image: 'x' } });
    const st = await widgets.updateStatus({ ...w, status: { replicas: 1, phase: 'Running' }, spec: { replicas: 9 } });
    assert.equal(st.status?.phase, 'Running');
    assert.equal(st.spec?.replicas, 1, 'spec changes are ignored on /status');
    const scale = await widgets.subresource('scale').get<{ spec: { replicas: number }; metadata: any }>('w', { namespace: 'default' });
    assert.equal(scale.spec.replicas, 1);
    await widgets.subresource('scale').update('w', { ...scale, spec: { replicas: 3 } }, { namespace: 'default' });
    assert.equal((await widgets.get('w', { namespace: 'default' })).spec?.replicas, 3);
  });

  it('server-side apply creates and updates with a field manager', async () => {
    const widgets = h.client.resource<Widget>(WidgetKind);
    const cfg = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa', namespace: 'default' }, spec: { replicas: 2 } };
    assert.throws(() => widgets.patch('ssa', cfg, 'apply', { namespace: 'default' }), /requires a fieldManager/);
    const created = await widgets.patch('ssa', cfg, 'apply', { namespace: 'default', fieldManager: 'tester' });
    assert.equal(created.spec?.replicas, 2);
    const updated = await widgets.patch('ssa', { ...cfg, spec: { replicas: 4 } }, 'apply', { namespace: 'default', fieldManager: 'tester', force: true });
    assert.equal(updated.spec?.replicas, 4);
    assert.ok((updated.metadata.managedFields as { manager: string }[]).some((m) => m.manager === 'tester'));
  });

  it('watch delivers ordered events from a resourceVersion, and close() stops it', async () => {
    const things = h.client.resource<Thing>(ThingKind);
    const list = await things.list({ namespace: 'default' });
    const events: WatchEvent<Thing>[] = [];
    let ended: unknown = 'not ended';
    const w = things.watch({ namespace: 'default', resourceVersion: list.metadata.resourceVersion!, allowWatchBookmarks: true }, (e) => events.push(e), (err) => (ended = err));
    await things.create({ metadata: { name: 'watched', namespace: 'default' }, data: { big: 'x'.repeat(200_000) } });
    await things.patch('watched', { data: { more: 'y' } }, 'merge', { namespace: 'default' });
    await things.delete('watched', { namespace: 'default' });
    await until(() => events.length >= 3);
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(events[0]?.object.data?.big?.length, 200_000, 'a large event spanning many chunks arrives whole');
    w.close();
    await things.create({ metadata: { name: 'after-close', namespace: 'default' } });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(events.length, 3);
    assert.equal(ended, 'not ended', 'onEnd is not called after close()');
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    let connections = 0;
    const count = () => connections++;
    h.api.server.server.on('connection', count);
    const c = h.newClient();
    try {
      const things = c.resource<Thing>(ThingKind);
      for (let i = 0; i < 20; i++) await things.list({ namespace: 'default', limit: 1 });
      assert.equal(connections, 1);
    } finally {
      h.api.server.server.off('connection', count);
    }
  });

  it('many open watches never starve ordinary requests', async () => {
    const c = h.newClient();
    const things = c.resource<Thing>(ThingKind);
    const watches = Array.from({ length: 80 }, () => things.watch({ namespace: 'default' }, () => {}, () => {}));
    try {
      const list = await things.list({ namespace: 'default', limit: 1 });
      assert.equal(list.kind, 'ThingList');
    } finally {
      for (const w of watches) w.close();
    }
  });

  it('rate limits when qps is set', async () => {
    const limited = new RestClient({ transport: h.client.transport, qps: 50, burst: 1 });
    const things = limited.resource<Thing>(ThingKind);
    const start = Date.now();
    for (let i = 0; i < 6; i++) await things.list({ namespace: 'default', limit: 1 });
    assert.ok(Date.now() - start >= 90, `6 requests at 50 qps with burst 1 take >= 100 ms, took ${Date.now() - start}`);
  });
});

describe('watch expiry against the API server', () => {
  let h: ClientHarness;
  before(async () => {
    h = await startClientHarness({ watchWindowSize: 5 });
  });
  after(async () => {
    await h?.close();
  });

  it('a watch from a resourceVersion older than the window ends with a 410 ApiError', async () => {
    const things = h.client.resource<Thing>(ThingKind);
    const first = await things.create({ metadata: { name: 'old-0', namespace: 'default' } });
    let last = first;
    for (let i = 1; i <= 20; i++) last = await things.create({ metadata: { name: `old-${i}`, namespace: 'default' } });
    await h.api.store.compact(Number(last.metadata.resourceVersion));
    const err = await new Promise<unknown>((resolve) => {
      things.watch({ namespace: 'default', resourceVersion: first.metadata.resourceVersion, timeoutSeconds: 5 }, () => {}, resolve);
    });
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, 410);
    assert.equal(err.status.reason, 'Expired');
  });
});

describe('RestClient against a stalled server', () => {
  let server: Server;
  let url: string;
  const auths: string[] = [];
  before(async () => {
    // Answers headers but never finishes the body, or never answers at all.
    server = createServer((req, res) => {
      if (req.url?.startsWith('/auth')) {
        auths.push(req.headers.authorization ?? '');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      if (req.url?.startsWith('/half')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('a request without a complete response fails after requestTimeoutMs', async () => {
    const c = clientFromConnection({ server: url, namespace: 'default', context: 't' }, { requestTimeoutMs: 150 });
    try {
      const t0 = Date.now();
      await assert.rejects(c.request({ method: 'GET', path: '/never' }), /no complete response within 150 ms/);
      await assert.rejects(c.request({ method: 'GET', path: '/half' }), /no complete response within 150 ms/);
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      c.close();
    }
  });

  it('re-reads a rotated tokenFile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'one\n');
    const c = new RestClient({ transport: new HttpsTransport({ connection: { server: url, namespace: 'default', context: 't', token: 'one', tokenFile: file }, tokenRefreshMs: 0 }) });
    try {
      await c.request({ method: 'GET', path: '/auth' });
      writeFileSync(file, 'two\n');
      await c.request({ method: 'GET', path: '/auth' });
      assert.deepEqual(auths, ['Bearer one', 'Bearer two']);
    } finally {
      c.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
