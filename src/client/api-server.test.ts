/**
 * The client against a real `skiff server` process: HTTPS with the CA and admin client
 * certificate from its generated admin.kubeconfig, keep-alive, CRUD, watch-fed informer,
 * leader election on a real Lease and aggregated Events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from './status-error.js';
import { LeaseKind, type Lease } from '../api/coordination/v1/lease.js';
import { EventKind, type Event } from '../api/core/v1/event.js';
import { PodKind, type Pod } from '../api/core/v1/pod.js';
import { DeploymentKind, type Deployment } from '../api/apps/v1/deployment.js';
import { startTestServer, type TestServer } from '../../test/e2e/support/index.js';
import { EventRecorder } from './event-recorder.js';
import { SharedInformerFactory } from './informer-factory.js';
import { loadKubeconfig } from './kubeconfig.js';
import { LeaderElector } from './leader-election.js';
import { silentLogger } from './logger.js';
import { clientFromKubeconfig, type RestClient } from './rest-client.js';
import { isConflict, isNotFound } from './status-error.js';

type ConfigMap = { apiVersion?: string; kind?: string; metadata?: any; data?: Record<string, string> };
const ConfigMaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' } as const;

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('client against skiff server (HTTPS, kubeconfig)', () => {
  let server: TestServer;
  let client: RestClient;
  const clients: RestClient[] = [];
  const newClient = () => {
    const c = clientFromKubeconfig({ path: server.kubeconfigPath });
    clients.push(c);
    return c;
  };
  before(async () => {
    server = await startTestServer();
    client = newClient();
  });
  after(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('authenticates with the kubeconfig client certificate and verifies the server against its CA', async () => {
    const conn = loadKubeconfig({ path: server.kubeconfigPath });
    assert.ok(conn.ca && conn.cert && conn.key, 'admin.kubeconfig carries CA, cert and key');
    const version = await client.request<{ major: string; minor: string }>({ method: 'GET', path: '/version' });
    assert.equal(version.minor, '32');
    // The identity is the admin: it may list secrets cluster-wide.
    const secrets = await client.request<{ items: unknown[] }>({ method: 'GET', path: '/api/v1/secrets' });
    assert.ok(Array.isArray(secrets.items));
  });

  it('refuses a server its CA did not sign, on every connection of a shared TLS context', async () => {
    const { createCa } = await import('../apiserver/tls/pki.js');
    const other = await createCa('other-ca');
    const conn = loadKubeconfig({ path: server.kubeconfigPath });
    const { clientFromConnection } = await import('./rest-client.js');
    const wrong = clientFromConnection({ ...conn, ca: Buffer.from(other.certPem) });
    clients.push(wrong);
    // Twice at once: two sockets, both verified against the (wrong) CA.
    const tries = [0, 1].map(() => wrong.request({ method: 'GET', path: '/version' }));
    for (const t of tries) await assert.rejects(t, (err: NodeJS.ErrnoException) => /certificate|issuer/i.test(`${err.code} ${err.message}`));
    // The right CA, many sockets at once (a new connection each, one context): all verify.
    const right = newClient();
    const got = await Promise.all(Array.from({ length: 8 }, () => right.request<{ minor: string }>({ method: 'GET', path: '/version' })));
    assert.deepEqual(got.map((v) => v.minor), Array(8).fill('32'));
  });

  it('authenticates with a bearer token from tokenFile, trusting a CA file; a bad token is a 401 ApiError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-client-kc-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), server.caPem);
      writeFileSync(join(dir, 'token'), `${server.adminToken}\n`);
      const kc = (user: string) => `apiVersion: v1
kind: Config
current-context: t
clusters: [{name: c, cluster: {server: '${server.url}', certificate-authority: ca.crt}}]
contexts: [{name: t, context: {cluster: c, user: u, namespace: kube-system}}]
users: [{name: u, user: ${user}}]
`;
      writeFileSync(join(dir, 'good'), kc('{tokenFile: token}'));
      writeFileSync(join(dir, 'bad'), kc('{token: not-a-token}'));
      const good = clientFromKubeconfig({ env: { KUBECONFIG: join(dir, 'good') } });
      clients.push(good);
      assert.equal(good.namespace, 'kube-system');
      const ns = await good.request<{ metadata: { name: string } }>({ method: 'GET', path: '/api/v1/namespaces/kube-system' });
      assert.equal(ns.metadata.name, 'kube-system');
      const bad = clientFromKubeconfig({ path: join(dir, 'bad') });
      clients.push(bad);
      await assert.rejects(bad.request({ method: 'GET', path: '/api/v1/namespaces' }), (err) => err instanceof ApiError && err.code === 401);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CRUD and typed errors over HTTPS', async () => {
    const cms = client.resource<ConfigMap>(ConfigMaps);
    const created = await cms.create({ metadata: { name: 'cfg', namespace: 'default' }, data: { a: '1' } });
    assert.equal(created.kind, 'ConfigMap');
    const patched = await cms.patch('cfg', { data: { b: '2' } }, 'strategic', { namespace: 'default' });
    assert.deepEqual(patched.data, { a: '1', b: '2' });
    await cms.delete('cfg', { namespace: 'default' });
    await assert.rejects(cms.get('cfg', { namespace: 'default' }), (err) => isNotFound(err));
  });

  it('informer follows changes', async () => {
    const factory = new SharedInformerFactory({ client: newClient(), logger: silentLogger });
    const inf = factory.informerFor<ConfigMap>(ConfigMaps, { namespace: 'default', labelSelector: 'suite=informer' });
    const seen: string[] = [];
    inf.addEventHandler({ onAdd: (o) => seen.push(`add ${o.metadata.name}`), onDelete: (o) => seen.push(`delete ${o.metadata.name}`) });
    factory.start();
    assert.equal(await factory.waitForSync(10_000), true);
    const cms = client.resource<ConfigMap>(ConfigMaps);
    await cms.create({ metadata: { name: 'i1', namespace: 'default', labels: { suite: 'informer' } } });
    await cms.create({ metadata: { name: 'other', namespace: 'default' } });
    await cms.delete('i1', { namespace: 'default' });
    await until(() => seen.length === 2, 10_000, 'add and delete');
    assert.deepEqual(seen, ['add i1', 'delete i1']);
    await factory.stop();
  });

  it('leader election on a real Lease: the survivor takes over within the lease duration', async () => {
    const mk = (identity: string) =>
      new LeaderElector({
        leases: newClient().resource<Lease>(LeaseKind),
        namespace: 'kube-system',
        name: 'client-e2e',
        identity,
        leaseDurationMs: 2000,
        renewDeadlineMs: 1500,
        retryPeriodMs: 200,
        releaseOnCancel: false,
        logger: silentLogger,
        onStartedLeading() {},
        onStoppedLeading() {},
      });
    const a = mk('a');
    const b = mk('b');
    a.start();
    await until(() => a.isLeader(), 10_000, 'a leads');
    b.start();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(b.isLeader(), false);
    await a.stop();
    const t0 = Date.now();
    await until(() => b.isLeader(), 5000, 'b takes over');
    assert.ok(Date.now() - t0 <= 2000 + 200 * 2.2 + 500, `took ${Date.now() - t0} ms`);
    await b.stop();
  });

  it('events aggregate on the real server', async () => {
    const events = client.resource<Event>(EventKind);
    const rec = new EventRecorder({ events, component: 'client-e2e', host: 'h', logger: silentLogger });
    const cm = await client.resource<ConfigMap>(ConfigMaps).create({ metadata: { name: 'ev', namespace: 'default' } });
    for (let i = 0; i < 4; i++) rec.event(cm, 'Normal', 'Poked', 'poked it');
    await rec.flush();
    const list = await events.list({ namespace: 'default', fieldSelector: 'involvedObject.name=ev' });
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0]?.count, 4);
    assert.equal(list.items[0]?.involvedObject?.kind, 'ConfigMap');
  });

  it('subresources: pods/binding, pods/eviction, deployments/scale', async () => {
    const pods = client.resource<Pod>(PodKind);
    await pods.create({ metadata: { name: 'bind-me', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await pods.subresource('binding').create('bind-me', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me', namespace: 'default' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } }, { namespace: 'default' });
    assert.equal((await pods.get('bind-me', { namespace: 'default' })).spec?.nodeName, 'node-1');
    const evicted = await pods.subresource('eviction').create<{ status?: string }>('bind-me', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'bind-me', namespace: 'default' } }, { namespace: 'default' });
    assert.equal(evicted.status, 'Success');

    const deployments = client.resource<Deployment>(DeploymentKind);
    await deployments.create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const scale = deployments.subresource('scale');
    const s1 = await scale.get<{ spec: { replicas: number }; metadata: { resourceVersion: string } }>('web', { namespace: 'default' });
    assert.equal(s1.spec.replicas, 1);
    await scale.update('web', { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default', resourceVersion: s1.metadata.resourceVersion }, spec: { replicas: 3 } }, { namespace: 'default' });
    assert.equal((await deployments.get('web', { namespace: 'default' })).spec?.replicas, 3);
    await assert.rejects(
      scale.update('web', { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default', resourceVersion: s1.metadata.resourceVersion }, spec: { replicas: 4 } }, { namespace: 'default' }),
      (err) => isConflict(err),
    );
  });
});
