/**
 * e2e: `skiff up` serves Services itself. A deployment whose pods (host processes) answer
 * HTTP with their name on $POD_IP is exposed as a LoadBalancer; requests through the
 * ClusterIP, the NodePort and the load-balancer port reach both pods; the cluster DNS at
 * --cluster-dns answers the Service's name with its ClusterIP and lists kube-dns; SIGTERM
 * ends the process and frees every listener. Loopback service range (no root needed for
 * the ClusterIPs), DNS without upstream: nothing leaves the machine. Ports are picked free
 * rather than fixed, as other clusters on this machine also give pods 127.1.0.x addresses.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, get } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { EndpointSliceKind, serviceNameLabel, type EndpointSlice } from '../../src/api/discovery/v1/endpoint-slice.js';
import { IngressKind, type Ingress } from '../../src/api/networking/v1/ingress.js';
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { queryTcp, queryUdp } from '../../src/dns/test-client.js';
import { kubectl, kubectlMissing, REPO_ROOT, startTestServer, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');
const NETS = ['--cluster-cidr', '198.18.0.0/16', '--service-cidr', '127.47.0.0/16', '--cluster-dns', '127.47.0.10'];
const running = new Set<ChildProcess>();

interface Proc {
  child: ChildProcess;
  output(): string;
  /** SIGTERM (SIGKILL after 15 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

function startSkiff(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const c = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '', ...env } });
  running.add(c);
  let out = '';
  c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => c.once('exit', (code) => (running.delete(c), r(code))));
  return {
    child: c,
    output: () => out,
    async stop() {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
      const t = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 15_000);
      const code = await exit;
      clearTimeout(t);
      return code;
    },
  };
}

async function waitOutput(p: Proc, re: RegExp, timeoutMs = 90_000): Promise<RegExpExecArray> {
  return waitFor(`${re} in the output`, async () => {
    if (p.child.exitCode !== null) throw new Error(`exited early:\n${p.output().slice(-3000)}`);
    return re.exec(p.output()) ?? undefined;
  }, timeoutMs, 50).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${p.output().slice(-3000)}`);
  });
}

/** A port free on loopback right now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function readTcp(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    const s = connect({ host, port });
    s.on('data', (d: Buffer) => (body += d.toString()));
    s.on('end', () => resolve(body));
    s.on('error', reject);
  });
}

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host, port, path: '/', timeout: 3000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls host:port until both pod names have answered. */
async function reachesAll(host: string, port: number, pods: string[]): Promise<void> {
  const seen = new Set<string>();
  await waitFor(`${host}:${port} to reach ${pods.join(', ')} (seen: ${[...seen].join(', ')})`, async () => {
    const name = await httpGet(host, port);
    assert.ok(pods.includes(name), `${host}:${port} answered ${JSON.stringify(name)}`);
    seen.add(name);
    return seen.size === pods.length ? true : undefined;
  }, 30_000, 20);
}

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port }, () => (s.destroy(), resolve(false)));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** True when nothing holds udp host:port (we can bind it ourselves). */
function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => (s.close(), resolve(false)));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

/** Kills what a suite left running, stops the pods its nodes left, removes its dirs. */
async function cleanUp(dirs: string[]): Promise<void> {
  for (const c of running) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
  for (const d of dirs) {
    await stopNodePods(join(d, 'data'));
    await stopNodePods(d);
    rmSync(d, { recursive: true, force: true });
  }
}

describe('skiff up: service proxy and cluster DNS', { skip: kubectlMissing(), timeout: 200_000 }, () => {
  const dirs: string[] = [];
  after(() => cleanUp(dirs));

  it('exposes a deployment through ClusterIP, NodePort, LoadBalancer and Ingress, answers DNS, and frees it all on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-up-svc-'));
    dirs.push(dir);
    const kc = join(dir, 'data', 'admin.kubeconfig');
    const k = async (args: string[]): Promise<string> => {
      const r = await kubectl(args, { kubeconfig: kc, cacheDir: join(dir, 'cache') });
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const [ingressPort, ingressHttpsPort] = [await freePort(), await freePort()];
    const up = startSkiff(['up', '--data-dir', join(dir, 'data'), '--port', '0', '--bind-address', '127.0.0.1', '--kubelet-port', '0', '--no-kubeconfig', '--node-name', 'svc-node', ...NETS, '--dns-upstream', 'none', '--ingress-port', String(ingressPort), '--ingress-https-port', String(ingressHttpsPort)], { HOME: dir });
    let stopped = false;
    try {
      await waitOutput(up, /skiff up: ready/);
      const dnsLine = /cluster DNS on (127\.47\.0\.10):(\d+), domain cluster\.local, upstream none/.exec(up.output());
      assert.ok(dnsLine, up.output());
      const dns = { address: dnsLine[1] as string, port: Number(dnsLine[2]) };
      if (process.getuid?.() === 0) assert.equal(dns.port, 53, 'as root the cluster DNS serves port 53');
      assert.match(up.output(), /service proxy \(userspace\)/);
      assert.match(up.output(), /curl http:\/\/127\.0\.0\.1:8000/, 'the "next" text shows how to reach a service');
      assert.match(up.output(), new RegExp(`ingress controller on 127\\.0\\.0\\.1:${ingressPort} \\(HTTP\\) and :${ingressHttpsPort} \\(HTTPS\\), IngressClass "skiff" \\(created as the default class\\)`));
      assert.match(up.output(), new RegExp(`create ingress web --rule='/\\*=web:8000'\\n\\s+curl http://127\\.0\\.0\\.1:${ingressPort}/ `), 'the "next" text shows the ingress');

      const [podPort, lbPort] = [await freePort(), await freePort()];
      const server = `require("http").createServer((q, s) => s.end(process.env.HOSTNAME + "\\n")).listen(${podPort}, process.env.POD_IP)`;
      await k(['create', 'deployment', 'web', '--image=node:20', '--replicas=2', '--', process.execPath, '-e', server]);
      const pods = await waitFor('two Running web pods', async () => {
        const out = await k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[0].ready}{"\\n"}{end}']);
        const rows = out.trim().split('\n').filter(Boolean).map((l) => l.split(' '));
        return rows.length === 2 && rows.every((r) => r[1] === 'Running' && r[2] === 'true') ? rows.map((r) => r[0] as string).sort() : undefined;
      }, 60_000, 200);
      await k(['expose', 'deployment', 'web', '--type=LoadBalancer', `--port=${lbPort}`, `--target-port=${podPort}`]);
      const [clusterIP, nodePort] = (await k(['get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}'])).split(' ');
      assert.match(clusterIP ?? '', /^127\.47\./);

      await reachesAll(clusterIP as string, lbPort, pods);
      await reachesAll('127.0.0.1', Number(nodePort), pods);
      await reachesAll('127.0.0.1', lbPort, pods);
      const ingress = await waitFor('the load-balancer ingress IP', async () => (await k(['get', 'service', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])) || undefined, 10_000, 100);
      assert.equal(ingress, '127.0.0.1', 'the node address (--bind-address) is the ingress');

      // An Ingress of the default class (made at start) is served on --ingress-port.
      assert.match(await k(['get', 'ingressclass']), /^skiff\s+skiff\.io\/ingress\s/m);
      await k(['create', 'ingress', 'web', `--rule=/*=web:${lbPort}`]);
      assert.match(await k(['get', 'ingress', 'web']), /^web\s+skiff\s+\*\s/m, 'DefaultIngressClass gave it the default class');
      const ingressIP = await waitFor('the Ingress status IP', async () => (await k(['get', 'ingress', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])) || undefined, 10_000, 100);
      assert.equal(ingressIP, '127.0.0.1');
      await reachesAll('127.0.0.1', ingressPort, pods);

      const a = await queryUdp(dns.port, 'web.default.svc.cluster.local', 1, { address: dns.address });
      assert.deepEqual(a.answers.map((r) => (r as { address?: string }).address), [clusterIP]);
      const t = await queryTcp(dns.port, 'kube-dns.kube-system.svc.cluster.local', 1, { address: dns.address });
      assert.deepEqual(t.answers.map((r) => (r as { address?: string }).address), ['127.47.0.10']);
      const outside = await queryUdp(dns.port, 'example.com', 1, { address: dns.address });
      assert.equal(outside.rcode, 5, 'no upstream: names outside the cluster are REFUSED');
      const kubeDns = JSON.parse(await k(['get', 'service', 'kube-dns', '-n', 'kube-system', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { clusterIP: string; selector?: unknown; ports: Array<{ name: string; port: number; protocol: string }> } };
      assert.equal(kubeDns.spec.clusterIP, '127.47.0.10');
      assert.equal(kubeDns.metadata.labels['k8s-app'], 'kube-dns');
      assert.equal(kubeDns.spec.selector, undefined);
      assert.deepEqual(kubeDns.spec.ports.map((p) => `${p.name}/${p.port}/${p.protocol}`).sort(), ['dns-tcp/53/TCP', 'dns/53/UDP']);

      stopped = true;
      assert.equal(await up.stop(), 0, up.output().slice(-2000));
      for (const [host, port] of [[clusterIP as string, lbPort], ['127.0.0.1', Number(nodePort)], ['127.0.0.1', lbPort], ['127.0.0.1', ingressPort], ['127.0.0.1', ingressHttpsPort], [dns.address, dns.port]] as const) {
        assert.ok(await refused(host, port), `${host}:${port} still accepts connections after SIGTERM`);
      }
      assert.ok(await udpFree(dns.address, dns.port), 'the DNS UDP socket is closed');

      // A restart finds kube-dns in place and serves again; `--disable traefik` (k3s's name) leaves the ingress out.
      const again = startSkiff(['up', '--data-dir', join(dir, 'data'), '--port', '0', '--bind-address', '127.0.0.1', '--kubelet-port', '0', '--no-kubeconfig', '--node-name', 'svc-node', ...NETS, '--dns-upstream', 'none', '--ingress-port', String(ingressPort), '--disable', 'traefik'], { HOME: dir });
      try {
        await waitOutput(again, /skiff up: ready/);
        assert.doesNotMatch(again.output(), /kube-dns has clusterIP/);
        assert.doesNotMatch(again.output(), /skiff up: ingress|create ingress/);
        assert.ok(await refused('127.0.0.1', ingressPort), 'no ingress listener with --disable traefik');
        const r = await queryUdp(dns.port, 'web.default.svc.cluster.local', 1, { address: dns.address });
        assert.deepEqual(r.answers.map((x) => (x as { address?: string }).address), [clusterIP]);
      } finally {
        assert.equal(await again.stop(), 0, again.output().slice(-2000));
      }
    } finally {
      if (!stopped) await up.stop();
    }
  });
});

describe('skiff agent: service proxy and cluster DNS', { timeout: 200_000 }, () => {
  const dirs: string[] = [];
  after(() => cleanUp(dirs));

  it('serves ClusterIPs, DNS and Ingresses by default, none of them with --proxy-mode none --disable-dns --disable-ingress, refuses kernel modes', async () => {
    const server = await startTestServer({ args: ['--service-cidr', '127.48.0.0/16'] });
    const backend = createServer((c) => c.end('echo-backend'));
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const client = clientFromKubeconfig({ path: server.kubeconfigPath });
    const web = createHttpServer((_q, res) => res.end('web-backend'));
    try {
      // A Service without selector, its one endpoint a listener of this test.
      const svcPort = await freePort();
      const svc = await client.resource<Service>(ServiceKind).create({ metadata: { name: 'echo' }, spec: { ports: [{ port: svcPort, protocol: 'TCP' }] } }, { namespace: 'default' });
      const clusterIP = svc.spec?.clusterIP ?? '';
      assert.match(clusterIP, /^127\.48\./);
      const slice: EndpointSlice = {
        metadata: { name: 'echo-1', labels: { [serviceNameLabel]: 'echo' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
        ports: [{ port: (backend.address() as { port: number }).port, protocol: 'TCP' }],
      } as EndpointSlice;
      await client.resource<EndpointSlice>(EndpointSliceKind).create(slice, { namespace: 'default' });
      // An HTTP backend behind an Ingress, for the agent's ingress controller.
      await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
      await client.resource<Service>(ServiceKind).create({ metadata: { name: 'web' }, spec: { ports: [{ port: 80, protocol: 'TCP' }] } }, { namespace: 'default' });
      await client.resource<EndpointSlice>(EndpointSliceKind).create({ ...slice, metadata: { name: 'web-1', labels: { [serviceNameLabel]: 'web' } }, ports: [{ port: (web.address() as { port: number }).port, protocol: 'TCP' }] } as EndpointSlice, { namespace: 'default' });
      await client.resource<Ingress>(IngressKind).create({ metadata: { name: 'web' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, { namespace: 'default' });
      const [ingressPort, ingressHttpsPort] = [await freePort(), await freePort()];

      const agentArgs = (name: string, more: string[]): string[] => {
        const dir = mkdtempSync(join(tmpdir(), 'skiff-agent-svc-'));
        dirs.push(dir);
        return ['agent', '--kubeconfig', server.kubeconfigPath, '--data-dir', dir, '--node-name', name, '--node-ip', '127.0.0.1', '--port', '0', '--cluster-dns', '127.48.0.10', '--dns-upstream', 'none', ...more];
      };

      const agent = startSkiff(agentArgs('agent-svc', ['--ingress-port', String(ingressPort), '--ingress-https-port', String(ingressHttpsPort)]));
      try {
        const m = await waitOutput(agent, /cluster DNS on (127\.48\.0\.10):(\d+)/);
        await waitOutput(agent, /service proxy \(userspace\)/);
        await waitOutput(agent, new RegExp(`ingress controller on 127\\.0\\.0\\.1:${ingressPort} \\(HTTP\\) and :${ingressHttpsPort} \\(HTTPS\\), IngressClass "skiff" \\(created as the default class\\)`));
        assert.equal(await waitFor('the Ingress to answer on the agent', async () => (await httpGet('127.0.0.1', ingressPort).catch(() => '')) === 'web-backend' || undefined, 20_000, 50), true);
        const ing = await client.resource<Ingress>(IngressKind).get('web', { namespace: 'default' });
        assert.equal(ing.status?.loadBalancer?.ingress, undefined, 'an agent writes no ingress IP');
        assert.equal(await waitFor('the ClusterIP to answer', async () => (await readTcp(clusterIP, svcPort).catch(() => '')) || undefined, 20_000, 50), 'echo-backend');
        const a = await queryUdp(Number(m[2]), 'echo.default.svc.cluster.local', 1, { address: m[1] as string });
        assert.deepEqual(a.answers.map((r) => (r as { address?: string }).address), [clusterIP]);
        // internalTrafficPolicy Local: only endpoints on this node (agent-svc) take ClusterIP traffic.
        const localPort = await freePort();
        const local = await client.resource<Service>(ServiceKind).create({ metadata: { name: 'echo-local' }, spec: { internalTrafficPolicy: 'Local', ports: [{ port: localPort, protocol: 'TCP' }] } }, { namespace: 'default' });
        const localIP = local.spec?.clusterIP ?? '';
        const slices = client.resource<EndpointSlice>(EndpointSliceKind);
        const onNode = (nodeName: string): EndpointSlice => ({ ...slice, metadata: { name: 'echo-local-1', labels: { [serviceNameLabel]: 'echo-local' } }, endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true }, nodeName }] }) as EndpointSlice;
        await slices.create(onNode('elsewhere'), { namespace: 'default' });
        await waitFor('the listener for echo-local', async () => (await readTcp(localIP, localPort).then(() => true, (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? undefined : true))), 20_000, 50);
        assert.equal(await readTcp(localIP, localPort).catch(() => ''), '', 'an endpoint on another node gets no traffic under internalTrafficPolicy Local');
        const placed = await slices.get('echo-local-1', { namespace: 'default' });
        await slices.update({ ...onNode('agent-svc'), metadata: placed.metadata } as EndpointSlice, { namespace: 'default' });
        assert.equal(await waitFor('the local endpoint to answer', async () => (await readTcp(localIP, localPort).catch(() => '')) || undefined, 20_000, 50), 'echo-backend');
      } finally {
        assert.equal(await agent.stop(), 0, agent.output().slice(-2000));
      }
      assert.ok(await refused(clusterIP, svcPort), 'the ClusterIP listener outlived the agent');

      assert.ok(await refused('127.0.0.1', ingressPort), 'the ingress listener outlived the agent');
      const bare = startSkiff(agentArgs('agent-bare', ['--proxy-mode', 'none', '--disable-dns', '--disable-ingress', '--ingress-port', String(ingressPort)]));
      try {
        await waitOutput(bare, /service proxy: none/);
        assert.doesNotMatch(bare.output(), /cluster DNS on/);
        assert.doesNotMatch(bare.output(), /ingress controller/);
        assert.ok(await refused('127.0.0.1', ingressPort), 'an Ingress is served with --disable-ingress');
        assert.ok(await refused(clusterIP, svcPort), 'a ClusterIP is served with --proxy-mode none');
      } finally {
        assert.equal(await bare.stop(), 0, bare.output().slice(-2000));
      }

      const kernel = startSkiff(agentArgs('agent-kernel', ['--proxy-mode', 'iptables']));
      assert.notEqual(await new Promise((r) => kernel.child.once('exit', r)), 0);
      // One line of error (then commander's usual "run with --help" hint), no stack trace.
      const [first, ...rest] = kernel.output().trim().split('\n');
      assert.match(first ?? '', /^error: option '--proxy-mode <mode>'.*kernel-mode service rules \(iptables\) are not available yet/);
      assert.deepEqual(rest, ['(run with --help for usage)'], kernel.output());
    } finally {
      client.close();
      backend.close();
      web.close();
      await server.stop();
    }
  });
});
