import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startHarness, type Harness } from './test-kinds.js';

let h: Harness;
before(async () => {
  h = await startHarness({ bookmarkIntervalMs: 100, watchWindowSize: 50 });
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'w' } });
});
after(async () => {
  await h.close();
});

const T = '/api/v1/namespaces/w/things';

/** Opens a watch and collects its events until closed. */
function openWatch(path: string, headers: Record<string, string> = {}) {
  const events: any[] = [];
  let headersAt = 0;
  let ended = false;
  const req = request(h.url + path, { headers: { accept: 'application/json', ...headers } }, (res) => {
    headersAt = Date.now();
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
    });
    res.on('end', () => (ended = true));
    res.on('error', () => (ended = true));
  });
  req.on('error', () => (ended = true));
  req.end();
  return {
    events,
    get headersAt() {
      return headersAt;
    },
    get ended() {
      return ended;
    },
    close: () => req.destroy(),
  };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('watch without resourceVersion: synthetic ADDED first, then changes; headers flushed at once', async () => {
  await h.req('POST', T, { metadata: { name: 'pre' } });
  const w = openWatch(`${T}?watch=true`);
  await until(() => w.headersAt > 0 && w.events.length === 1);
  assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'pre']]);
  const c = await h.req('POST', T, { metadata: { name: 'live' } });
  await h.req('PATCH', `${T}/live`, { data: { a: 'b' } }, { 'content-type': 'application/merge-patch+json' });
  await h.req('DELETE', `${T}/live`);
  await until(() => w.events.length === 4);
  assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'ADDED', 'MODIFIED', 'DELETED']);
  assert.equal(w.events[1].object.metadata.resourceVersion, c.body.metadata.resourceVersion);
  assert.deepEqual(w.events[3].object.data, { a: 'b' });
  w.close();
});

test('watch from a resourceVersion replays later changes; selectors turn leave/enter into DELETED/ADDED', async () => {
  const start = (await h.req('GET', T)).body.metadata.resourceVersion;
  await h.req('POST', T, { metadata: { name: 'sel', labels: { app: 'x' } } });
  await h.req('PATCH', `${T}/sel`, { metadata: { labels: { app: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
  await h.req('PATCH', `${T}/sel`, { metadata: { labels: { app: 'x' } } }, { 'content-type': 'application/merge-patch+json' });
  const w = openWatch(`${T}?watch=true&resourceVersion=${start}&labelSelector=app%3Dx`);
  await until(() => w.events.length === 3);
  assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'DELETED', 'ADDED']);
  assert.equal(w.events[1].object.metadata.labels.app, 'x');
  assert.ok(Number(w.events[1].object.metadata.resourceVersion) > Number(w.events[0].object.metadata.resourceVersion));
  w.close();
});

test('bookmarks, timeoutSeconds and Table events', async () => {
  const rv = (await h.req('GET', T)).body.metadata.resourceVersion;
  const w = openWatch(`${T}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
  await until(() => w.events.some((e) => e.type === 'BOOKMARK'));
  const b = w.events.find((e) => e.type === 'BOOKMARK');
  assert.deepEqual(Object.keys(b.object.metadata), ['resourceVersion']);
  assert.equal(b.object.kind, 'Thing');
  await until(() => w.ended, 3000);

  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
  const t = openWatch(`${T}?watch=true&resourceVersion=${rv}`, { accept });
  await h.req('POST', T, { metadata: { name: 'tabled' } });
  await until(() => t.events.length === 1);
  assert.equal(t.events[0].object.kind, 'Table');
  assert.equal(t.events[0].object.rows[0].cells[0], 'tabled');
  t.close();
});

test('watch older than the cache window falls back to store history; compacted → ERROR 410', async () => {
  const rv = Number((await h.req('GET', T)).body.metadata.resourceVersion);
  await h.req('POST', T, { metadata: { name: 'hist' } });
  for (let i = 0; i < 60; i++) await h.req('PATCH', `${T}/hist`, { data: { i: String(i) } }, { 'content-type': 'application/merge-patch+json' });
  const w = openWatch(`${T}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dhist`);
  await until(() => w.events.length === 61);
  assert.equal(w.events[0].type, 'ADDED');
  assert.equal(w.events[60].object.data.i, '59');
  w.close();
  await h.store.compact(await h.store.currentRevision());
  const old = openWatch(`${T}?watch=true&resourceVersion=${rv}`);
  await until(() => old.ended);
  assert.equal(old.events.length, 1);
  assert.equal(old.events[0].type, 'ERROR');
  assert.equal(old.events[0].object.code, 410);
  assert.equal(old.events[0].object.reason, 'Expired');
  assert.match(old.events[0].object.message, /^too old resource version: \d+ \(\d+\)$/);
});

test('delete: finalizers keep the object with deletionTimestamp until removed; preconditions; propagation', async () => {
  await h.req('POST', T, { metadata: { name: 'fin', finalizers: ['example.com/x'] } });
  const d = await h.req('DELETE', `${T}/fin`, { propagationPolicy: 'Background' });
  assert.equal(d.status, 200);
  assert.ok(d.body.metadata.deletionTimestamp);
  assert.equal((await h.req('GET', `${T}/fin`)).status, 200);
  const rm = await h.req('PATCH', `${T}/fin`, { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(rm.status, 200);
  assert.equal((await h.req('GET', `${T}/fin`)).status, 404);

  await h.req('POST', T, { metadata: { name: 'orph' } });
  const o = await h.req('DELETE', `${T}/orph`, { propagationPolicy: 'Orphan' });
  assert.deepEqual(o.body.metadata.finalizers, ['orphan']);
  const f = await h.req('DELETE', `${T}/orph`, { propagationPolicy: 'Foreground' });
  assert.deepEqual(f.body.metadata.finalizers, ['foregroundDeletion']);

  const c = await h.req('POST', T, { metadata: { name: 'pre' + 'c' } });
  const wrong = await h.req('DELETE', `${T}/prec`, { preconditions: { uid: 'nope' } });
  assert.equal(wrong.status, 409);
  assert.equal(wrong.body.message, `Precondition failed: UID in precondition: nope, UID in object meta: ${c.body.metadata.uid}`);
  const dry = await h.req('DELETE', `${T}/prec?dryRun=All`);
  assert.equal(dry.status, 200);
  assert.equal((await h.req('GET', `${T}/prec`)).status, 200);
  const ok = await h.req('DELETE', `${T}/prec`, { preconditions: { uid: c.body.metadata.uid } });
  assert.equal(ok.status, 200);
  assert.equal((await h.req('GET', `${T}/prec`)).status, 404);
  assert.equal((await h.req('DELETE', `${T}/prec`)).status, 404);
  const sys = await h.req('DELETE', '/api/v1/namespaces/kube-system');
  assert.equal(sys.status, 403);
  assert.equal(sys.body.message, 'namespaces "kube-system" is forbidden: this namespace may not be deleted');
});

test('deletecollection removes what matches', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'dc' } });
  for (const n of ['a', 'b', 'c']) await h.req('POST', '/api/v1/namespaces/dc/things', { metadata: { name: n, labels: { del: n === 'c' ? 'no' : 'yes' } } });
  const r = await h.req('DELETE', '/api/v1/namespaces/dc/things?labelSelector=del%3Dyes');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((o: any) => o.metadata.name), ['a', 'b']);
  const left = await h.req('GET', '/api/v1/namespaces/dc/things');
  assert.deepEqual(left.body.items.map((o: any) => o.metadata.name), ['c']);
});

test('a terminating namespace rejects creates with 403', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'term', finalizers: ['x/y'] } });
  await h.req('DELETE', '/api/v1/namespaces/term');
  const r = await h.req('POST', '/api/v1/namespaces/term/things', { metadata: { name: 'late' } });
  assert.equal(r.status, 403);
  assert.equal(r.body.message, 'things "late" is forbidden: unable to create new content in namespace term because it is being terminated');
});

test('sendInitialEvents: the current state, then a bookmark marking its end', async () => {
  await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'sie' } });
  await h.req('POST', '/api/v1/namespaces/sie/things', { metadata: { name: 'one' } });
  const w = openWatch('/api/v1/namespaces/sie/things?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan');
  await until(() => w.events.some((e) => e.type === 'BOOKMARK'));
  assert.equal(w.events[0].type, 'ADDED');
  assert.equal(w.events[0].object.metadata.name, 'one');
  const b = w.events.find((e) => e.type === 'BOOKMARK');
  assert.deepEqual(b.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
  await h.req('POST', '/api/v1/namespaces/sie/things', { metadata: { name: 'two' } });
  await until(() => w.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'two'));
  w.close();
});

test('a cluster-scoped resource under a namespace path is 404', async () => {
  const n = await h.req('GET', '/api/v1/namespaces/w/nodes');
  assert.equal(n.status, 404);
});
