/**
 * The kernel-mode (nftables) service proxy end to end, inside a network namespace this
 * test creates (root only): a real `skiff server` on this machine (reached from the
 * namespace over the veth pair), Services with the 198.19.0.0/16 service range, and
 * EndpointSlices written directly (as the EndpointSlice controller would). Inside the
 * namespace, services-kernel-netns.ts runs the proxy and three backends on 198.18.1.1–3
 * and sends every probe, so the traffic crosses the namespace's own nat hooks; this
 * machine's ruleset is never touched. Like kube-proxy, the proxy relies on a route for
 * the service range (normally the default route): the namespace gets one via lo.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { EndpointSliceKind, type EndpointSlice } from '../../src/api/discovery/v1/endpoint-slice.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/rest-client.js';
import { createTestHost, netnsUnavailable, type TestHost } from './support/netns.js';
import { REPO_ROOT, startTestServer, waitFor, type TestServer } from './support/index.js';

const NS = 'default';
const BACKENDS = ['198.18.1.1', '198.18.1.2', '198.18.1.3'];
const RUNNER = join(REPO_ROOT, 'test/e2e/services-kernel-netns.ts');

function skipReason(): string | false {
  const netns = netnsUnavailable();
  if (netns) return netns;
  if (spawnSync('nft', ['--version']).status !== 0) return 'nft (the nftables package) is not installed';
  return false;
}

/** `ip`/`nft` inside the namespace; throws with stderr on failure. */
function inNs(host: TestHost, ...args: string[]): string {
  const r = spawnSync(host.exec[0]!, [...host.exec.slice(1), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

const endpoints = (conds: Array<{ ready?: boolean; serving?: boolean; terminating?: boolean }>): EndpointSlice['endpoints'] =>
  BACKENDS.map((ip, i) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false, ...conds[i] } }));

describe('kernel-mode (nftables) service proxy in a network namespace', { skip: skipReason() }, () => {
  let host: TestHost;
  let server: TestServer;
  let client: RestClient;
  let runner: ChildProcess;
  let lines: Interface;
  let runnerOutput = '';
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kproxy-'));
  const svc: Record<string, Service> = {};

  /** One command to the runner inside the namespace, one reply. */
  async function ask<T>(cmd: Record<string, unknown>): Promise<T> {
    const reply = new Promise<string>((resolve, reject) => {
      const onExit = () => reject(new Error(`the namespace runner exited:\n${runnerOutput.slice(-3000)}`));
      runner.once('exit', onExit);
      lines.once('line', (l) => (runner.off('exit', onExit), resolve(l)));
    });
    runner.stdin!.write(`${JSON.stringify(cmd)}\n`);
    const r = JSON.parse(await reply) as { result?: T; error?: string };
    if (r.error !== undefined) throw new Error(`${cmd.op}: ${r.error}`);
    return r.result as T;
  }
  const tally = (host: string, port: number, n: number, concurrency = 10) => ask<Record<string, number>>({ op: 'tally', host, port, n, concurrency });
  const clusterIP = (name: string) => svc[name]!.spec!.clusterIP!;
  const slices = () => client.resource<EndpointSlice>(EndpointSliceKind);

  async function createService(name: string, spec: Service['spec'], conds: Parameters<typeof endpoints>[0] | null): Promise<void> {
    svc[name] = await client.resource<Service>(ServiceKind).create({ metadata: { name }, spec }, { namespace: NS });
    if (conds === null) return;
    const ports = (spec?.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.protocol === 'UDP' ? 5353 : 8080, protocol: p.protocol ?? 'TCP' }));
    await slices().create({ metadata: { name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } }, addressType: 'IPv4', ports, endpoints: endpoints(conds) }, { namespace: NS });
  }

  before(async () => {
    host = createTestHost(21);
    for (const ip of BACKENDS) inNs(host, 'ip', 'addr', 'add', `${ip}/32`, 'dev', 'lo');
    // What the default route does on a real node: give service-range packets a route, so they reach the nat output hook.
    // Via lo, a dead end: should the rules be missing, nothing leaves the namespace.
    inNs(host, 'ip', 'route', 'add', '198.19.0.0/16', 'dev', 'lo');
    // A bystander table: the proxy must leave it alone.
    inNs(host, 'nft', 'add', 'table', 'ip', 'bystander');
    server = await startTestServer({ args: ['--bind-address', '0.0.0.0', '--tls-san', host.hostIp, '--service-cidr', '198.19.0.0/16'] });
    client = clientFromKubeconfig({ path: server.kubeconfigPath, qps: 1000, burst: 1000 });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(server.kubeconfigPath, 'utf8').replaceAll(`https://127.0.0.1:${server.port}`, `https://${host.hostIp}:${server.port}`));

    await createService('web', { type: 'NodePort', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] }, [{}, {}, {}]);
    await createService('sticky', { sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }, [{}, {}, {}]);
    await createService('empty', { ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }, null);

    runner = spawn(host.exec[0]!, [...host.exec.slice(1), process.execPath, '--import', 'tsx', RUNNER, kubeconfig, ...BACKENDS], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    runner.stderr!.on('data', (d: Buffer) => (runnerOutput = (runnerOutput + d.toString()).slice(-100_000)));
    lines = createInterface({ input: runner.stdout! });
    await waitFor('the namespace runner to be ready', () => new Promise<true>((resolve, reject) => {
      runner.once('exit', () => reject(new Error(`the namespace runner exited:\n${runnerOutput.slice(-3000)}`)));
      lines.once('line', () => resolve(true));
    }), 60_000);
  });

  after(async () => {
    if (runner?.exitCode === null) {
      runner.stdin?.end();
      const exited = new Promise((r) => runner.once('exit', r));
      const killer = setTimeout(() => runner.pid && process.kill(runner.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    client?.close();
    await server?.stop();
    host?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('300 connections to ClusterIP:port reach all 3 endpoints, each ≥ 20 %', async () => {
    const counts = await tally(clusterIP('web'), 80, 300);
    assert.deepEqual(Object.keys(counts).sort(), ['web-0', 'web-1', 'web-2'], JSON.stringify(counts));
    for (const [name, n] of Object.entries(counts)) assert.ok(n >= 60, `${name} got ${n}/300`);
  });

  it('UDP to ClusterIP:port is balanced too', async () => {
    const counts = await ask<Record<string, number>>({ op: 'udp', host: clusterIP('web'), port: 53, n: 60 });
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 60);
    assert.deepEqual(Object.keys(counts).sort(), ['web-0', 'web-1', 'web-2'], JSON.stringify(counts));
  });

  it('NodePort answers on the namespace address, from inside (output hook) and from this machine (prerouting hook)', async () => {
    const nodePort = svc.web!.spec!.ports!.find((p) => p.name === 'http')!.nodePort!;
    assert.ok(nodePort >= 30000, String(nodePort));
    const inside = await tally(host.ip, nodePort, 30, 3);
    assert.equal(Object.keys(inside).length, 3, JSON.stringify(inside));
    const outside = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: host.ip, port: nodePort, agent: false, timeout: 3000 }, (res) => {
          let b = '';
          res.on('data', (d: Buffer) => (b += d.toString())).on('end', () => resolve(b));
        });
        req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout'))).end();
      });
      outside.set(body, (outside.get(body) ?? 0) + 1);
    }
    assert.equal(outside.size, 3, JSON.stringify([...outside]));
  });

  it('sessionAffinity ClientIP: every connection from one client reaches the same endpoint', async () => {
    const counts = await tally(clusterIP('sticky'), 80, 50, 5);
    assert.equal(Object.keys(counts).length, 1, JSON.stringify(counts));
  });

  it('an endpoint that starts terminating gets no new connections within a second; its open connection drains', async (t) => {
    const first = await ask<{ body: string }>({ op: 'session', host: clusterIP('web'), port: 80 });
    const i = Number(first.body.replace('web-', ''));
    const conds = [{}, {}, {}] as Array<Record<string, boolean>>;
    conds[i] = { ready: false, serving: true, terminating: true };
    const slice = await slices().get('web-1', { namespace: NS });
    await slices().update({ ...slice, endpoints: endpoints(conds) }, { namespace: NS });
    const t0 = Date.now();
    const elapsed = await waitFor('no new connection to the terminating endpoint', async () => ((await tally(clusterIP('web'), 80, 20, 5))[first.body] === undefined ? Date.now() - t0 : undefined), 5000, 10);
    t.diagnostic(`terminating endpoint out of rotation after ${elapsed} ms`);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
    const later = await tally(clusterIP('web'), 80, 60);
    assert.equal(later[first.body], undefined, JSON.stringify(later));
    const again = await ask<{ body: string; reused: boolean }>({ op: 'session', host: clusterIP('web'), port: 80 });
    assert.deepEqual(again, { body: first.body, reused: true });
  });

  it('a Service without endpoints refuses connections', async () => {
    assert.equal(await ask<string>({ op: 'connect', host: clusterIP('empty'), port: 80 }), 'ECONNREFUSED');
    // And the same Service answers once it has one, then refuses again without.
    await slices().create({ metadata: { name: 'empty-1', labels: { 'kubernetes.io/service-name': 'empty' } }, addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: [BACKENDS[0]!] }] }, { namespace: NS });
    await waitFor('the new endpoint to answer', async () => ((await ask<string>({ op: 'connect', host: clusterIP('empty'), port: 80 })) === 'open' ? true : undefined), 5000, 20);
    await slices().delete('empty-1', { namespace: NS });
    await waitFor('refused again', async () => ((await ask<string>({ op: 'connect', host: clusterIP('empty'), port: 80 })) === 'ECONNREFUSED' ? true : undefined), 5000, 20);
  });

  it('on stop the skiff table is gone and other tables are untouched', async () => {
    assert.match(inNs(host, 'nft', 'list', 'tables'), /^table ip skiff$/m);
    assert.equal(await ask<string>({ op: 'stop' }), 'stopped');
    const tables = inNs(host, 'nft', 'list', 'tables');
    assert.doesNotMatch(tables, /skiff/);
    assert.match(tables, /^table ip bystander$/m);
  });
});
