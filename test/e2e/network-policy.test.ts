/**
 * e2e, root only: NetworkPolicies are enforced on a `skiff up` node with pod networking
 * (each pod in its own network namespace on the test's bridge, addresses from
 * 198.18.72.0/24). Two server pods, a client and another pod in `default`, a visitor in a
 * namespace labelled team=blue; every probe is a real connection from inside a pod
 * (`kubectl exec` of a small node HTTP client / a UDP round trip), polled until it gives the expected
 * answer. Covers default deny, podSelector on a numeric port, namespaceSelector on a named
 * port, egress (one server blocked, UDP allowed), restoring access on delete, node→pod
 * traffic staying allowed, rules in the kernel within about a second, no table of ours
 * left once `skiff up` stops, and `skiff killall` removing the table a killed node left.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, REPO_ROOT, waitFor } from './support/index.js';
import { SKIFF_CLI } from './support/run-skiff.js';
import { httpGet } from './support/http-get.js';
import { stopNodePods } from './support/node-pods.js';
import { killRunningSkiffUps, startSkiffUp, type SkiffUp } from './support/skiff-up.js';

const BRIDGE = `sknp${process.pid % 100000}`;
const TABLE = `skiff-netpol-${BRIDGE}`;
const MARKER = `skiff-netpol-e2e-${process.pid}`;
// The test's own ranges (DESIGN.md): pods in 198.18.72.0/24, services on loopback (unused), no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.72.0/24', '--service-cidr', '127.51.0.0/16', '--cluster-dns', '127.51.0.10', '--dns-upstream', 'none'];

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'pod network namespaces and nftables rules need root';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'iproute2 (ip netns) is not available';
  if (spawnSync('nft', ['--version']).status !== 0) return 'the nft binary is not available';
  if (spawnSync('busybox', ['--help']).error) return 'busybox (the client pods’ sleep) is not installed';
  return kubectlMissing();
}

const tableExists = (): boolean => spawnSync('nft', ['list', 'table', 'inet', TABLE], { stdio: 'ignore' }).status === 0;

/** An HTTP server on TCP 8080 (container port "http") and a UDP echo on 5353 (port "echo"). */
const SERVER = `const n = require('net'), d = require('dgram'); require('http').createServer((q, s) => s.end(process.env.HOSTNAME)).listen(8080); const u = d.createSocket('udp4'); u.on('message', (m, r) => u.send(m, r.port, r.address)); u.bind(5353); // ${MARKER}`;
/** GETs argv[1] and prints the body; exits 1 on an error or without an answer within 2 s (a dropped SYN). (busybox wget crashes on this host.) */
const HTTP_GET = `const r = require('http').get(process.argv[1], { timeout: 2000 }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => { console.log(b); process.exit(0); }); }); r.on('timeout', () => process.exit(1)); r.on('error', () => process.exit(1));`;
/** Sends one datagram to argv[1]:5353 and prints the echo; exits 1 without one within a second. */
const UDP_PING = `const u = require('dgram').createSocket('udp4'); setTimeout(() => process.exit(1), 1000); u.on('message', (m) => { console.log(String(m)); process.exit(0); }); u.send('ping', 5353, process.argv[1]);`;

function pod(name: string, labels: Record<string, string>, server: boolean, namespace = 'default'): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        server
          ? {
              name: 'c',
              image: 'local/none',
              imagePullPolicy: 'Never',
              command: [process.execPath, '-e', SERVER],
              ports: [{ name: 'http', containerPort: 8080 }, { name: 'echo', containerPort: 5353, protocol: 'UDP' }],
              readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
            }
          : { name: 'c', image: 'local/none', imagePullPolicy: 'Never', command: ['busybox', 'sh', '-c', `sleep 3600 # ${MARKER}`] },
      ],
    },
  };
}

const policy = (name: string, spec: object, namespace = 'default'): object => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });

describe('NetworkPolicy enforcement on a skiff up node (root)', { skip: unavailable() }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-netpol-'));
  const kc = join(dataDir, 'admin.kubeconfig');
  const cacheDir = join(dataDir, 'kube-cache');
  const k = (args: string[]) => kubectl(args, { kubeconfig: kc, cacheDir, timeoutMs: 30_000 });
  let up: SkiffUp | undefined;
  after(async () => {
    killRunningSkiffUps();
    await stopNodePods(dataDir).catch(() => {});
    spawnSync('nft', ['delete', 'table', 'inet', TABLE], { stdio: 'ignore' });
    spawnSync('nft', ['delete', 'table', 'ip', `skiff-pods-${BRIDGE}`], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const apply = async (...objects: object[]): Promise<void> => {
    const file = join(dataDir, `apply-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    const r = await k(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };
  /** Whether `from` gets an HTTP answer from ip:8080 (a dropped SYN times out after 2 s). */
  const http = async (from: string, ip: string, ns = 'default'): Promise<boolean> => {
    const r = await k(['exec', '-n', ns, from, '--', process.execPath, '-e', HTTP_GET, `http://${ip}:8080/`]);
    lastProbe = `${from} → ${ip}: exit ${r.code} ${r.stdout.trim()} ${r.stderr.trim()}`;
    return r.code === 0 && r.stdout.length > 0;
  };
  const udp = async (from: string, ip: string): Promise<boolean> => {
    const r = await k(['exec', from, '--', process.execPath, '-e', UDP_PING, ip]);
    lastProbe = `${from} → ${ip} UDP: exit ${r.code} ${r.stdout.trim()} ${r.stderr.trim()}`;
    return r.code === 0;
  };
  /** Polls a probe until it gives `want` (policy changes apply within about a second; the deadline is generous). */
  let lastProbe = '';
  const expectReach = (what: string, probe: () => Promise<boolean>, want: boolean): Promise<true> =>
    waitFor(`${what} to be ${want ? 'allowed' : 'blocked'}`, async () => ((await probe()) === want ? true : undefined), 30_000, 100).catch((err: Error) => {
      throw new Error(`${err.message} (last probe: ${lastProbe})\n${spawnSync('nft', ['list', 'table', 'inet', TABLE], { encoding: 'utf8' }).stdout}\n${up?.output().slice(-3000)}`);
    });

  it('enforces ingress and egress policies and cleans up', { timeout: 300_000 }, async () => {
    up = await startSkiffUp(['--data-dir', dataDir, '--no-kubeconfig', '--node-name', 'np-node', '--port', '0', '--kubelet-port', '0', '--bind-address', '127.0.0.1', '--node-ip', '127.0.0.1', ...NETS, '--pod-network', 'bridge', '--pod-bridge', BRIDGE]);
    assert.match(up.output(), new RegExp(`network policies: enforced for the pods on ${BRIDGE} \\(nftables table inet ${TABLE}`));
    assert.ok(tableExists(), 'the table is installed at start');

    await apply(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'np-blue', labels: { team: 'blue' } } },
      pod('server-a', { app: 'server', name: 'a' }, true),
      pod('server-b', { app: 'server', name: 'b' }, true),
      pod('client', { app: 'client' }, false),
      pod('other', { app: 'other' }, false),
      pod('visitor', { app: 'client' }, false, 'np-blue'),
    );
    const ips = await waitFor('all five pods Running with addresses', async () => {
      const r = await k(['get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.podIP}={.status.phase}{"\\n"}{end}']);
      const rows = r.stdout.trim().split('\n').map((l) => l.split('='));
      const running = rows.filter(([, ip, phase]) => ip && phase === 'Running');
      return running.length === 5 ? Object.fromEntries(running.map(([name, ip]) => [name, ip as string])) : undefined;
    }, 120_000, 200);
    const [a, b] = [ips['server-a'] as string, ips['server-b'] as string];

    // No policy: everybody reaches everybody.
    await expectReach('client → server-a', () => http('client', a), true);
    await expectReach('client → server-b', () => http('client', b), true);
    await expectReach('other → server-a', () => http('other', a), true);
    await expectReach('visitor → server-a', () => http('visitor', a, 'np-blue'), true);

    // Default deny for ingress in default: the servers and the client are isolated.
    await apply(policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    // Within about a second of the write, the kernel has the rule (3 s allows for a loaded machine).
    const chainOf = (ip: string): string => `ing-${ip.replace(/\./g, '-')}`;
    await waitFor('the default deny in the kernel', async () => (spawnSync('nft', ['list', 'chain', 'inet', TABLE, chainOf(a)], { stdio: 'ignore' }).status === 0 ? true : undefined), 3000, 50);
    await expectReach('client → server-a', () => http('client', a), false);
    await expectReach('client → server-b', () => http('client', b), false);
    assert.equal(await http('visitor', a, 'np-blue'), false, 'other namespaces too');
    // The node itself still reaches its pods (kubelet probes): from this host, and the servers stay Ready.
    assert.match(await httpGet(`http://${a}:8080/`), /server-a/);

    // Clients on port 8080, by podSelector: the client gets in, the other pod does not.
    await apply(policy('allow-client', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] }));
    await expectReach('client → server-a', () => http('client', a), true);
    await expectReach('client → server-b', () => http('client', b), true);
    assert.equal(await http('other', a), false, 'a pod without app=client stays out');
    assert.equal(await http('visitor', a, 'np-blue'), false, 'a podSelector alone means this namespace only');

    // Namespaces labelled team=blue, on the named port "http" (8080 on the servers).
    await apply(policy('allow-blue', { podSelector: { matchLabels: { name: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }], ports: [{ port: 'http' }] }] }));
    await expectReach('visitor → server-a', () => http('visitor', a, 'np-blue'), true);
    assert.equal(await http('visitor', b, 'np-blue'), false, 'server-b is not selected by allow-blue');
    assert.equal(await http('other', a), false);
    const listed = await k(['get', 'networkpolicies', '-o', 'name']);
    assert.deepEqual(listed.stdout.trim().split('\n').sort(), ['networkpolicy.networking.k8s.io/allow-blue', 'networkpolicy.networking.k8s.io/allow-client', 'networkpolicy.networking.k8s.io/default-deny']);

    // Deleting the ingress policies restores access.
    assert.equal((await k(['delete', 'networkpolicy', 'default-deny', 'allow-client', 'allow-blue'])).code, 0);
    await expectReach('other → server-a', () => http('other', a), true);
    await expectReach('client → server-b', () => http('client', b), true);
    assert.equal(await udp('client', b), true, 'UDP to server-b before the egress policy');

    // Egress from the client: TCP to server-a only, and UDP 5353 (DNS-like) anywhere.
    await apply(policy('client-egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { name: 'a' } } }], ports: [{ port: 8080 }] }, { ports: [{ protocol: 'UDP', port: 5353 }] }] }));
    await expectReach('client → server-b (egress)', () => http('client', b), false);
    await expectReach('client → server-a (egress)', () => http('client', a), true);
    await expectReach('client → server-b UDP 5353', () => udp('client', b), true);
    assert.equal(await http('other', b), true, 'the other pod is not egress-isolated');

    assert.equal((await k(['delete', 'networkpolicy', 'client-egress'])).code, 0);
    await expectReach('client → server-b after the delete', () => http('client', b), true);

    const ready = await k(['get', 'pods', 'server-a', 'server-b', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}']);
    assert.equal(ready.stdout.trim(), 'True True', 'probes from the node kept the servers Ready throughout');

    assert.equal(await up.stop(), 0, up.output().slice(-3000));
    assert.equal(tableExists(), false, 'skiff up removes its nftables table on shutdown');

    // A node that dies leaves its rules (and pods) in place; `skiff killall` removes both.
    up = await startSkiffUp(['--data-dir', dataDir, '--no-kubeconfig', '--node-name', 'np-node', '--port', '0', '--kubelet-port', '0', '--bind-address', '127.0.0.1', '--node-ip', '127.0.0.1', ...NETS, '--pod-network', 'bridge', '--pod-bridge', BRIDGE]);
    await apply(policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    await waitFor('the default deny in the kernel again', async () => (spawnSync('nft', ['list', 'chain', 'inet', TABLE, chainOf(a)], { stdio: 'ignore' }).status === 0 ? true : undefined), 30_000, 50);
    killRunningSkiffUps();
    assert.equal(await up.stop(), null, 'killed');
    assert.ok(tableExists(), 'a killed node leaves its table');
    const killall = spawnSync(process.execPath, ['--import', 'tsx', SKIFF_CLI, 'killall', '--data-dir', dataDir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(killall.status, 0, killall.stderr);
    assert.equal(tableExists(), false, 'skiff killall removes the table');
    assert.equal(spawnSync('pgrep', ['-f', MARKER], { encoding: 'utf8' }).stdout.trim(), '', 'and the pods');
  });
});
