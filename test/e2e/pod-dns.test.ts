/**
 * e2e, root only: from inside a pod, Services answer by name — `http://web` (search path)
 * and `http://web.default.svc.cluster.local` — through the pod's resolv.conf (cluster DNS)
 * and the service proxy. The whole cluster runs inside a network namespace made by the
 * test (so its bridge, dummy interface and pod namespaces never touch the host's
 * network), with a pod range and a service range from 198.18.0.0/15.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, REPO_ROOT, waitFor } from './support/index.js';
import { createTestHost, netnsUnavailable, type TestHost } from './support/netns.js';
import { SKIFF_CLI } from './support/run-skiff.js';

const SERVER = "require('http').createServer((q, s) => s.end(process.env.HOSTNAME)).listen(8080, process.env.POD_IP)";
/** Runs DNS queries from a pod through its resolv.conf (c-ares, FQDNs: no search list) and prints the results as JSON. */
const LOOKUPS = (ops: Array<[string, string]>) =>
  `const d = require('dns').promises; Promise.all(${JSON.stringify(ops)}.map(([m, n]) => d[m](n).then((v) => v, (e) => e.code))).then((r) => console.log(JSON.stringify(r)))`;
const GET = (url: string) => `require('http').get('${url}', (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => console.log(b)); }).on('error', (e) => { console.error(e.message); process.exit(1); })`;

describe('pods reach Services by name through the cluster DNS', { skip: netnsUnavailable() || kubectlMissing(), timeout: 240_000 }, () => {
  let host: TestHost;
  let up: ChildProcess | undefined;
  let out = '';
  let dataDir = '';
  let cacheDir = '';
  const k = (args: string[]) => kubectl(args, { kubeconfig: join(dataDir, 'admin.kubeconfig'), cacheDir, timeoutMs: 60_000 });

  before(async () => {
    host = createTestHost(11);
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-poddns-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'skiff-poddns-kubectl-'));
    up = spawn(
      'ip',
      [
        'netns', 'exec', host.name, process.execPath, '--import', 'tsx', SKIFF_CLI, 'up', '--data-dir', dataDir, '--port', '6443', '--bind-address', '0.0.0.0',
        '--kubelet-port', '0', '--no-kubeconfig', '--node-name', 'dns-node', '--cluster-cidr', '198.18.96.0/24', '--service-cidr', '198.19.0.0/16',
        '--cluster-dns', '198.19.0.10', '--dns-upstream', 'none', '--pod-network', 'bridge',
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dataDir, KUBECONFIG: '' } },
    );
    up.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    up.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('skiff up ready in the namespace', async () => {
      if (up?.exitCode !== null) throw new Error(`skiff up exited:\n${out.slice(-3000)}`);
      return /skiff up: ready/.test(out) ? true : undefined;
    }, 120_000, 100);
  });

  after(async () => {
    if (up && up.exitCode === null) {
      const exited = new Promise((r) => up?.once('exit', r));
      up.kill('SIGTERM');
      const t = setTimeout(() => up?.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }
    // Pods outlive skiff up: stop them (and their namespaces and the bridge) from inside the test host.
    await new Promise((r) => spawn('ip', ['netns', 'exec', host.name, process.execPath, '--import', 'tsx', SKIFF_CLI, 'killall', '--data-dir', dataDir], { cwd: REPO_ROOT, stdio: 'ignore' }).once('close', r));
    host?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('wget-style GETs of http://web and http://web.default.svc.cluster.local from a pod reach the web pods', async () => {
    // kubectl talks to the API inside the namespace over the veth; the kubeconfig names 127.0.0.1.
    const kc = join(dataDir, 'admin.kubeconfig');
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(kc, readFileSync(kc, 'utf8').replace(/server: https:\/\/[^\s]+/, `server: https://${host.ip}:6443`));

    assert.equal((await k(['create', 'deployment', 'web', '--image=node:20', '--replicas=2', '--', process.execPath, '-e', SERVER])).code, 0);
    assert.equal((await k(['expose', 'deployment', 'web', '--port=8080'])).code, 0);
    assert.equal((await k(['run', 'client', '--image=node:20', '--command', '--', 'sleep', '3600'])).code, 0);
    await waitFor('web and client pods Ready', async () => {
      const r = await k(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}']);
      const ready = r.stdout.trim().split(/\s+/).filter((s) => s === 'True').length;
      return ready === 3 ? true : undefined;
    }, 120_000, 250);
    const podIp = (await k(['get', 'pod', 'client', '-o', 'jsonpath={.status.podIP}'])).stdout;
    assert.match(podIp, /^198\.18\.96\.\d+$/, 'the client pod has its own address on the node bridge');

    const resolv = await k(['exec', 'client', '--', 'cat', '/etc/resolv.conf']);
    assert.match(resolv.stdout, /^nameserver 198\.19\.0\.10$/m);
    assert.match(resolv.stdout, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);

    const webPods = (await k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ');
    for (const url of ['http://web:8080/', 'http://web.default.svc.cluster.local:8080/']) {
      const seen = new Set<string>();
      for (let i = 0; i < 12 && seen.size < 2; i++) {
        const r = await k(['exec', 'client', '--', process.execPath, '-e', GET(url)]);
        assert.equal(r.code, 0, `${url}: ${r.stderr}\n${out.split('\n').filter((l) => /dns|DNS|proxy/.test(l) && !l.includes('"msg":"request"')).join('\n')}`);
        seen.add(r.stdout.trim());
      }
      for (const name of seen) assert.ok(webPods.includes(name), `${url} answered by ${name}, one of ${webPods.join(', ')}`);
      assert.equal(seen.size, 2, `${url} reached both web pods`);
    }
  });

  it('answers as the Kubernetes DNS specification says: headless A, PTR, SRV, dns-version, NXDOMAIN vs NODATA', async () => {
    // Runs after the test above: the web pods, their Service and the client pod exist.
    assert.equal((await k(['expose', 'deployment', 'web', '--name=web-headless', '--cluster-ip=None', '--port=8080'])).code, 0);
    const clusterIP = (await k(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout.trim();
    const podIPs = (await k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.trim().split(' ').sort();
    const lookups: Array<[string, string]> = [
      ['resolve4', 'web.default.svc.cluster.local'],
      ['resolve6', 'web.default.svc.cluster.local'],
      ['resolve4', 'nope.default.svc.cluster.local'],
      ['reverse', clusterIP],
      ['resolveTxt', 'dns-version.cluster.local'],
      ['resolveSrv', 'web.default.svc.cluster.local'],
      ['resolve4', 'web-headless.default.svc.cluster.local'],
    ];
    // The headless Service's endpoints appear once the controller has written its EndpointSlice.
    const got = await waitFor('the headless Service resolves to both web pods', async () => {
      const r = await k(['exec', 'client', '--', process.execPath, '-e', LOOKUPS(lookups)]);
      const out = JSON.parse(r.stdout || 'null') as unknown[] | null;
      return Array.isArray(out?.[6]) && (out[6] as string[]).length === 2 ? out : undefined;
    }, 60_000, 250);
    assert.deepEqual(got[0], [clusterIP], 'A: the ClusterIP');
    assert.equal(got[1], 'ENODATA', 'AAAA of an IPv4 Service: the name exists, no record (NODATA)');
    assert.equal(got[2], 'ENOTFOUND', 'a missing Service: NXDOMAIN');
    assert.deepEqual(got[3], ['web.default.svc.cluster.local'], 'PTR of the ClusterIP');
    assert.deepEqual(got[4], [['1.1.0']], 'dns-version TXT');
    assert.deepEqual((got[5] as Array<{ name: string; port: number }>).map((x) => `${x.port} ${x.name}`), ['8080 web.default.svc.cluster.local'], 'SRV at the Service name, as CoreDNS');
    assert.deepEqual((got[6] as string[]).sort(), podIPs, 'headless: an A per ready pod');
  });
});
