import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, ApiError, resourcePath } from './web/api.js';
import { liveList } from './web/live-list.js';

/** A Response whose body is the given NDJSON lines, or JSON. */
const ndjson = (events: unknown[]): Response => new Response(events.map((e) => `${JSON.stringify(e)}\n`).join(''), { status: 200 });
const json = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

test('resourcePath builds core, group, namespaced and subresource paths', () => {
  assert.equal(resourcePath({ version: 'v1', resource: 'pods' }), '/api/v1/pods');
  assert.equal(resourcePath({ version: 'v1', resource: 'pods', namespace: 'a b', name: 'p', subresource: 'log' }), '/api/v1/namespaces/a%20b/pods/p/log');
  assert.equal(resourcePath({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'd', name: 'w', subresource: 'scale' }), '/apis/apps/v1/namespaces/d/deployments/w/scale');
});

test('requests carry the bearer token; failures become ApiError with the Status message', async () => {
  const seen: Array<{ url: string; auth: string | null }> = [];
  const api = new ApiClient({
    token: 'tok',
    fetch: async (url, init) => {
      seen.push({ url: String(url), auth: new Headers(init?.headers).get('Authorization') });
      return json({ kind: 'Status', message: 'pods is forbidden: User "x" cannot list', reason: 'Forbidden', code: 403 }, 403);
    },
  });
  await assert.rejects(api.get('/api/v1/pods'), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 403);
    assert.equal(err.reason, 'Forbidden');
    assert.match(err.message, /cannot list/);
    return true;
  });
  assert.deepEqual(seen, [{ url: '/api/v1/pods', auth: 'Bearer tok' }]);
});

test('a request that got no answer is sent again, a few times at most', async () => {
  let calls = 0;
  const flaky = new ApiClient({
    token: 't',
    fetch: async () => {
      calls++;
      if (calls < 3) throw new TypeError('Failed to fetch');
      return json({ ok: true });
    },
  });
  assert.deepEqual(await flaky.get('/x'), { ok: true });
  assert.equal(calls, 3);
  calls = 0;
  const dead = new ApiClient({ token: 't', fetch: async () => (calls++, Promise.reject(new TypeError('Failed to fetch'))) });
  await assert.rejects(dead.get('/x'), TypeError);
  assert.equal(calls, 3);
});

test('liveList lists, applies watch events, and lists again after 410 Gone', async () => {
  const requests: string[] = [];
  let lists = 0;
  // The 410 comes only once the watch events were seen (changes are coalesced into one render).
  let release: () => void = () => {};
  const sawB = new Promise<void>((r) => (release = r));
  const api = new ApiClient({
    token: 't',
    fetch: async (url) => {
      const u = String(url);
      requests.push(u);
      if (!u.includes('watch=1')) {
        lists++;
        return lists === 1
          ? json({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [{ metadata: { uid: 'a', name: 'a' } }, { metadata: { uid: 'x', name: 'x' } }] })
          : json({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '30' }, items: [{ metadata: { uid: 'c', name: 'c' } }] });
      }
      if (u.includes('resourceVersion=10')) {
        return ndjson([
          { type: 'ADDED', object: { kind: 'Pod', metadata: { uid: 'b', name: 'b', resourceVersion: '11' } } },
          { type: 'DELETED', object: { kind: 'Pod', metadata: { uid: 'x', name: 'x', resourceVersion: '12' } } },
          { type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '15' } } },
        ]);
      }
      if (u.includes('resourceVersion=15')) return sawB.then(() => ndjson([{ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old' } }]));
      // Watch from the second list: hang until aborted.
      return new Response(new ReadableStream({ start() {} }), { status: 200 });
    },
  });
  const abort = new AbortController();
  const snapshots: string[][] = [];
  const errors: unknown[] = [];
  liveList(api, '/api/v1/pods', {
    signal: abort.signal,
    onChange: (items) => {
      snapshots.push(items.map((o) => `${o.kind}/${o.metadata.name}`));
      if (snapshots.at(-1)?.join() === 'Pod/a,Pod/b') release();
    },
    onError: (e) => errors.push(e),
  });
  const deadline = Date.now() + 5000;
  while (!snapshots.some((s) => s.join() === 'Pod/c') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  abort.abort();
  assert.deepEqual(snapshots.at(-1), ['Pod/c']);
  // Watch events applied (x deleted, b added); list items got their kind back (Pod/a).
  assert.ok(snapshots.some((s) => s.join() === 'Pod/a,Pod/b'), JSON.stringify(snapshots));
  assert.equal(lists, 2);
  assert.deepEqual(errors, []);
  assert.ok(requests.some((u) => u.includes('watch=1&allowWatchBookmarks=true&resourceVersion=15')), requests.join('\n'));
});
