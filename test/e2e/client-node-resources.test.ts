/**
 * @kubernetes/client-node against a real API server with this resource layer: typed
 * CRUD, an informer, a watch that resumes across a server restart, and 410 → relist.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { silentLogger } from '../../src/client/logger.js';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.js';
import { createResourceHandler } from '../../src/apiserver/resources/index.js';
import { openStore, type Store } from '../../src/storage/index.js';

const k8s: typeof K8s = await import('@kubernetes/client-node');

/** A small watch-cache window, so the test can push a revision out of it. */
const WINDOW = 20;
let dataDir: string;
let port: number;
let store: Store;
let server: ApiServer | undefined;
let kc: K8s.KubeConfig;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

async function start(): Promise<void> {
  server = await startApiServer({ dataDir, port, bindAddress: '127.0.0.1', logger: silentLogger, store, createResources: (c) => createResourceHandler({ ...c, watchWindowSize: WINDOW }) });
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-clientnode-'));
  port = await freePort();
  store = await openStore({ backend: 'sqlite', path: join(dataDir, 'state.db') });
  await start();
  kc = new k8s.KubeConfig();
  kc.loadFromFile((server as ApiServer).kubeconfigPath);
});

after(async () => {
  await server?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('typed CRUD with CoreV1Api', async () => {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const created = await api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn1' }, data: { a: '1' } } });
  assert.equal(created.metadata?.name, 'cn1');
  assert.match(created.metadata?.resourceVersion ?? '', /^\d+$/);
  const read = await api.readNamespacedConfigMap({ name: 'cn1', namespace: 'default' });
  assert.deepEqual(read.data, { a: '1' });
  const replaced = await api.replaceNamespacedConfigMap({ name: 'cn1', namespace: 'default', body: { ...read, data: { a: '2' } } });
  assert.deepEqual(replaced.data, { a: '2' });
  // The typed patch's default content type is json-patch.
  const patched = await api.patchNamespacedConfigMap({ name: 'cn1', namespace: 'default', body: [{ op: 'add', path: '/data/b', value: '3' }] });
  assert.deepEqual(patched.data, { a: '2', b: '3' });
  const list = await api.listNamespacedConfigMap({ namespace: 'default' });
  assert.ok(list.items.some((c) => c.metadata?.name === 'cn1'));
  await assert.rejects(
    () => api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn1' } } }),
    (err: { code?: number; body?: string }) => err.code === 409 && JSON.parse(String(err.body)).reason === 'AlreadyExists',
  );
  await assert.rejects(
    () => api.replaceNamespacedConfigMap({ name: 'cn1', namespace: 'default', body: { ...read, data: { a: 'stale' } } }),
    (err: { code?: number }) => err.code === 409,
  );
  await api.deleteNamespacedConfigMap({ name: 'cn1', namespace: 'default' });
  await assert.rejects(() => api.readNamespacedConfigMap({ name: 'cn1', namespace: 'default' }), (err: { code?: number }) => err.code === 404);
});

test("a created pod's managedFields hold the creator's fields and the kind's defaults, not what admission added", async () => {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const pod = await api.createNamespacedPod({
    namespace: 'default',
    fieldManager: 'creator',
    body: { metadata: { name: 'mf1', labels: { app: 'mf' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
  });
  // Admission and the strategy did their work on the object…
  assert.ok((pod.spec?.tolerations ?? []).some((t) => t.key === 'node.kubernetes.io/not-ready'));
  assert.equal(pod.status?.phase, 'Pending');
  // …but, as in kube-apiserver, the creator owns only its own fields and the decode-time defaults.
  const entries = pod.metadata?.managedFields ?? [];
  assert.deepEqual(entries.map((e) => [e.manager, e.operation]), [['creator', 'Update']]);
  const fields = entries[0]?.fieldsV1 as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(fields).sort(), ['f:metadata', 'f:spec']);
  assert.ok('f:dnsPolicy' in fields['f:spec']! && 'f:restartPolicy' in fields['f:spec']!, 'defaults are owned by the creator');
  assert.ok(!('f:tolerations' in fields['f:spec']!) && !('f:priority' in fields['f:spec']!), 'admission-added fields are not');
  await api.deleteNamespacedPod({ name: 'mf1', namespace: 'default', body: { gracePeriodSeconds: 0 } });
});

test('an informer sees add, update and delete within a second each', async () => {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  await api.createNamespace({ body: { metadata: { name: 'inf' } } });
  const informer = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () => api.listNamespacedConfigMap({ namespace: 'inf' }));
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  await informer.start();
  try {
    await api.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'i1' }, data: { v: '1' } } });
    await until(() => seen.includes('add i1'), 1000, 'add');
    await api.patchNamespacedConfigMap({ name: 'i1', namespace: 'inf', body: [{ op: 'replace', path: '/data/v', value: '2' }] });
    await until(() => seen.includes('update i1 2'), 1000, 'update');
    await api.deleteNamespacedConfigMap({ name: 'i1', namespace: 'inf' });
    await until(() => seen.includes('delete i1'), 1000, 'delete');
    assert.deepEqual(seen, ['add i1', 'update i1 2', 'delete i1']);
    assert.equal(informer.list().length, 0);
  } finally {
    await informer.stop();
  }
});

test('a watch resumes after a server restart from its last resourceVersion, losing nothing', async () => {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  await api.createNamespace({ body: { metadata: { name: 'rs' } } });
  const list = await api.listNamespacedConfigMap({ namespace: 'rs' });
  const events: string[] = [];
  let lastRv = list.metadata?.resourceVersion ?? '0';
  let ended = false;
  const watch = new k8s.Watch(kc);
  const onEvent = (type: string, obj: K8s.V1ConfigMap) => {
    events.push(`${type} ${obj.metadata?.name}`);
    lastRv = obj.metadata?.resourceVersion ?? lastRv;
  };
  await watch.watch('/api/v1/namespaces/rs/configmaps', { resourceVersion: lastRv }, onEvent, () => (ended = true));
  await api.createNamespacedConfigMap({ namespace: 'rs', body: { metadata: { name: 'before' } } });
  await until(() => events.length === 1, 2000, 'first event');
  await (server as ApiServer).close();
  await until(() => ended, 5000, 'watch end on shutdown');
  await start();
  // Changes made before the client re-watches must still reach it.
  await api.createNamespacedConfigMap({ namespace: 'rs', body: { metadata: { name: 'after1' } } });
  await api.deleteNamespacedConfigMap({ name: 'before', namespace: 'rs' });
  const ctl = await watch.watch('/api/v1/namespaces/rs/configmaps', { resourceVersion: lastRv }, onEvent, () => {});
  await api.createNamespacedConfigMap({ namespace: 'rs', body: { metadata: { name: 'after2' } } });
  await until(() => events.length === 4, 3000, 'resumed events');
  ctl.abort();
  assert.deepEqual(events, ['ADDED before', 'ADDED after1', 'DELETED before', 'ADDED after2']);
});

test('a compacted resourceVersion gives 410 Expired, and a relist recovers', async () => {
  const api = kc.makeApiClient(k8s.CoreV1Api);
  await api.createNamespace({ body: { metadata: { name: 'cp' } } });
  const old = (await api.listNamespacedConfigMap({ namespace: 'cp' })).metadata?.resourceVersion as string;
  await api.createNamespacedConfigMap({ namespace: 'cp', body: { metadata: { name: 'c1' } } });
  // Push `old` out of the watch cache's window, and out of the store's history.
  for (let i = 0; i <= WINDOW; i++) {
    await api.patchNamespacedConfigMap({ name: 'c1', namespace: 'cp', body: [{ op: 'add', path: '/data', value: { i: String(i) } }] });
  }
  await store.compact(await store.currentRevision());
  const watch = new k8s.Watch(kc);
  const got: { type: string; obj: { code?: number; reason?: string } }[] = [];
  let done = false;
  await watch.watch('/api/v1/namespaces/cp/configmaps', { resourceVersion: old }, (type, obj) => got.push({ type, obj }), () => (done = true));
  await until(() => done, 3000, 'expired watch to end');
  assert.equal(got.length, 1);
  assert.equal(got[0]?.type, 'ERROR');
  assert.equal(got[0]?.obj.code, 410);
  assert.equal(got[0]?.obj.reason, 'Expired');
  // Relist, then watch from the fresh revision: new changes arrive.
  const relisted = await api.listNamespacedConfigMap({ namespace: 'cp' });
  assert.deepEqual(relisted.items.map((c) => c.metadata?.name), ['c1']);
  const fresh: string[] = [];
  const ctl = await watch.watch('/api/v1/namespaces/cp/configmaps', { resourceVersion: relisted.metadata?.resourceVersion }, (t, o) => fresh.push(`${t} ${o.metadata?.name}`), () => {});
  await api.createNamespacedConfigMap({ namespace: 'cp', body: { metadata: { name: 'c2' } } });
  await until(() => fresh.length === 1, 2000, 'event after relist');
  ctl.abort();
  assert.deepEqual(fresh, ['ADDED c2']);
});
