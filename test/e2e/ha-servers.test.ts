/**
 * Two `skiff server` processes on one etcd with the same --token form one control plane,
 * as k3s servers do: one CA (the first's kubeconfig works on the second), one state (a
 * write through one is read and watched through the other), one acting controller
 * manager (leader-elected; the other takes over when the leader stops), tokens valid on
 * both, the `kubernetes` endpoints listing both, and a wrong token refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startEtcd, type TestEtcd } from '../../src/storage/etcd/test-etcd.js';
import { serverIdentity } from '../../src/cli/control-plane.js';
import { kubectl, kubectlMissing, startKubectl, startTestServer, waitFor, type RunningKubectl, type TestServer } from './support/index.js';
import { runSkiff } from './support/run-skiff.js';

const TOKEN = 'ha-test-token-1234';

describe('several skiff servers on one etcd', { skip: kubectlMissing() }, () => {
  let etcd: TestEtcd | undefined;
  let a: TestServer | undefined;
  let b: TestServer | undefined;
  let tmp = '';
  let n = 0;
  /** Server A's admin kubeconfig, read at start (its data dir goes when it stops). */
  let adminKubeconfig = '';
  const watches: RunningKubectl[] = [];

  /** A's admin kubeconfig (or one with `token` instead of the client certificate) pointed at `url`. */
  const kubeconfigFor = (url: string, token?: string): string => {
    const cfg = parse(adminKubeconfig) as { clusters: Array<{ cluster: Record<string, string> }>; users: Array<{ user: Record<string, string> }> };
    for (const c of cfg.clusters) c.cluster.server = url;
    if (token) for (const u of cfg.users) u.user = { token };
    const path = join(tmp, `kubeconfig-${++n}`);
    writeFileSync(path, stringify(cfg), { mode: 0o600 });
    return path;
  };
  const k = (kubeconfig: string, args: string[]) => kubectl(args, { kubeconfig, cacheDir: join(tmp, 'cache') });
  const json = async <T>(kubeconfig: string, args: string[]): Promise<T> => {
    const r = await k(kubeconfig, [...args, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const onA = (): string => kubeconfigFor(a!.url);
  const onB = (): string => kubeconfigFor(b!.url);
  const holder = async (kubeconfig: string, lease: string): Promise<string> =>
    (await json<{ spec?: { holderIdentity?: string } }>(kubeconfig, ['-n', 'kube-system', 'get', 'lease', lease])).spec?.holderIdentity ?? '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skiff-ha-'));
    etcd = await startEtcd();
    const opts = { datastore: { etcdEndpoints: etcd.endpoints }, args: ['--token', TOKEN], components: true };
    a = await startTestServer(opts);
    adminKubeconfig = readFileSync(a.kubeconfigPath, 'utf8');
    b = await startTestServer(opts);
  });
  after(async () => {
    for (const w of watches) await w.stop().catch(() => {});
    await b?.stop().catch(() => {});
    await a?.stop().catch(() => {});
    await etcd?.stop().catch(() => {});
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shares one CA: the first server\'s admin kubeconfig works against the second', async () => {
    assert.equal(b!.caPem, a!.caPem);
    assert.equal(b!.adminToken, a!.adminToken);
    const r = await k(onB(), ['get', 'namespaces', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/default/);
  });

  it('an object created through one server is seen by get and by a watch through the other', async () => {
    const watch = startKubectl(onB(), ['get', 'configmaps', '-n', 'default', '--watch', '-o', 'name'], { cacheDir: join(tmp, 'cache') });
    watches.push(watch);
    // The watch is open once it printed the existing objects (kube-root-ca.crt is published at start).
    await waitFor('the watch through B to list', async () => (watch.out().includes('configmap/') ? true : undefined), 30_000);
    const created = await k(onA(), ['create', 'configmap', 'from-a', '-n', 'default', '--from-literal', 'k=v']);
    assert.equal(created.code, 0, created.stderr);
    await waitFor('the watch through B to see configmap/from-a', async () => (watch.out().includes('configmap/from-a') ? true : undefined), 20_000);
    const got = await json<{ data: Record<string, string> }>(onB(), ['get', 'configmap', 'from-a', '-n', 'default']);
    assert.deepEqual(got.data, { k: 'v' });
  });

  it('the kubernetes endpoints list both servers', async () => {
    const want = [a!.port, b!.port].sort((x, y) => x - y);
    await waitFor('endpoints with both servers', async () => {
      const ep = await json<{ subsets?: Array<{ addresses?: Array<{ ip: string }>; ports?: Array<{ port: number }> }> }>(onA(), ['get', 'endpoints', 'kubernetes', '-n', 'default']);
      const ports = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap(() => (s.ports ?? []).map((p) => p.port))).sort((x, y) => x - y);
      return JSON.stringify(ports) === JSON.stringify(want) ? true : undefined;
    }, 20_000);
    const leases = await json<{ items: unknown[] }>(onB(), ['get', 'leases', '-n', 'kube-system', '-l', 'apiserver.kubernetes.io/identity=kube-apiserver']);
    assert.equal(leases.items.length, 2);
  });

  it('a Deployment of 3 replicas gets exactly 3 pods; one server holds the leases', async () => {
    const created = await k(onB(), ['create', 'deployment', 'web', '-n', 'default', '--image', 'busybox', '--replicas', '3', '--', 'sleep', '3600']);
    assert.equal(created.code, 0, created.stderr);
    const podCount = async (): Promise<number> => (await json<{ items: unknown[] }>(onA(), ['get', 'pods', '-n', 'default', '-l', 'app=web'])).items.length;
    await waitFor('3 pods', async () => ((await podCount()) >= 3 ? true : undefined), 60_000);
    // Two acting controller managers would overshoot: the count must stay 3 while both servers run.
    for (let i = 0; i < 5; i++) assert.equal(await podCount(), 3);
    const rs = await json<{ items: unknown[] }>(onA(), ['get', 'replicasets', '-n', 'default', '-l', 'app=web']);
    assert.equal(rs.items.length, 1);
    assert.equal(await holder(onB(), 'kube-controller-manager'), serverIdentity(a!.dataDir));
    assert.equal(await holder(onB(), 'kube-scheduler'), serverIdentity(a!.dataDir));
    assert.match(b!.output(), /kube-controller-manager: on standby/);
  });

  it('a token made by `kubectl create token` on one server authenticates on the other', async () => {
    const made = await k(onA(), ['create', 'token', 'default', '-n', 'default']);
    assert.equal(made.code, 0, made.stderr);
    const who = await k(kubeconfigFor(b!.url, made.stdout.trim()), ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout.trim(), 'system:serviceaccount:default:default');
  });

  it('ClusterIPs allocated through both servers at once never collide', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `svc-${i}`);
    const results = await Promise.all(names.map((name, i) => k(i % 2 ? onA() : onB(), ['create', 'service', 'clusterip', name, '-n', 'default', '--tcp', '80:80'])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const list = await json<{ items: Array<{ metadata: { name: string }; spec: { clusterIP: string } }> }>(onA(), ['get', 'services', '-n', 'default']);
    const ips = list.items.filter((s) => s.metadata.name.startsWith('svc-')).map((s) => s.spec.clusterIP);
    assert.equal(ips.length, names.length);
    assert.equal(new Set(ips).size, ips.length, `duplicate ClusterIPs: ${ips.join(' ')}`);
  });

  it('a server with a wrong token exits non-zero with a clear message', async () => {
    const dir = mkdtempSync(join(tmp, 'wrong-'));
    const r = await runSkiff(['server', '--data-dir', dir, '--port', '0', '--bind-address', '127.0.0.1', '--datastore', 'etcd', '--etcd-endpoints', etcd!.endpoints.join(','), '--token', 'not-the-token'], { timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.err, /^error: .*different token/m);
  });

  it('when the leader stops, the other server takes over', async () => {
    const exit = await a!.stop();
    assert.equal(exit.code, 0, `server A exit: ${JSON.stringify(exit)}`);
    const bOnly = onB();
    const idB = serverIdentity(b!.dataDir);
    await waitFor('B to hold the controller-manager lease', async () => ((await holder(bOnly, 'kube-controller-manager')) === idB ? true : undefined), 30_000, 200);
    const created = await k(bOnly, ['create', 'deployment', 'after-failover', '-n', 'default', '--image', 'busybox', '--', 'sleep', '3600']);
    assert.equal(created.code, 0, created.stderr);
    await waitFor('a ReplicaSet for the new Deployment', async () => {
      const rs = await json<{ items: unknown[] }>(bOnly, ['get', 'replicasets', '-n', 'default', '-l', 'app=after-failover']);
      return rs.items.length === 1 ? true : undefined;
    }, 30_000, 200);
    // A's clean stop took it out of the endpoints.
    const ep = await json<{ subsets?: Array<{ ports?: Array<{ port: number }> }> }>(bOnly, ['get', 'endpoints', 'kubernetes', '-n', 'default']);
    assert.deepEqual((ep.subsets ?? []).flatMap((s) => (s.ports ?? []).map((p) => p.port)), [b!.port]);
  });
});
