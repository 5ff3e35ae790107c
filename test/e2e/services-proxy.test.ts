/**
 * Services end to end: a real `skiff server`, the EndpointSlice controller, the userspace
 * proxy and cluster DNS in this process; "pods" are HTTP servers on distinct loopback
 * addresses (127.0.77.x) that answer with their own name, registered by writing their
 * status (podIP, Ready) as a kubelet would.
 *
 * ClusterIPs come from a test range, --service-cidr 198.19.0.0/16, and the proxy binds each
 * at 127.19.x.y (bindAddressMapping) — no root, no interface changes. DNS answers with the
 * real ClusterIP.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkServerIdentity } from 'node:tls';
import { connect } from 'node:net';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { EndpointSliceKind, type EndpointSlice } from '../../src/api/discovery/v1/endpoint-slice.js';
import { silentLogger } from '../../src/client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/rest-client.js';
import { startControllerManager, type ControllerManager } from '../../src/controllers/manager.js';
import { waitFor } from '../../src/controllers/test-support.js';
import { RCODE, RR } from '../../src/dns/codec.js';
import { startDns } from '../../src/dns/dns.js';
import { queryUdp } from '../../src/dns/test-client.js';
import { startProxy, type Proxy } from '../../src/proxy/proxy.js';
import { startTestServer, type TestServer } from './support/index.js';

const NS = 'default';
const NODE = '127.0.99.1';
const mapIp = (ip: string) => (ip.startsWith('198.19.') ? `127.19.${ip.slice('198.19.'.length)}` : undefined);

let server: TestServer;
let client: RestClient;
let manager: ControllerManager;
let proxy: Proxy;
let dns: { port: number; stop(): Promise<void> };
let podPort = 0;
const backends: Server[] = [];

async function startBackend(name: string, ip: string): Promise<void> {
  const s = createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(podPort, ip, () => resolve()));
  podPort ||= (s.address() as { port: number }).port;
  backends.push(s);
}

/** One request on a fresh connection (the proxy balances connections); resolves to the body. */
function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

async function tally(host: string, port: number, n: number, concurrency = 10): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let left = n;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const body = await get(host, port);
        counts.set(body, (counts.get(body) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

const pods = () => client.resource<Pod>(PodKind);
const services = () => client.resource<Service>(ServiceKind);

async function setPodStatus(name: string, ip: string, ready: boolean): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const status = {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
    ],
  };
  await pods().subresource('status').patch(name, { status }, 'merge', { namespace: NS });
}

async function addPod(i: number): Promise<void> {
  const name = `web-${i}`;
  const ip = `127.0.77.${i + 1}`;
  await startBackend(name, ip);
  await pods().create({ metadata: { name, labels: { app: 'web' } }, spec: { hostname: name, subdomain: 'web-headless', containers: [{ name: 'c', image: 'web' }] } }, { namespace: NS });
  await setPodStatus(name, ip, true);
}

async function clusterAddr(name: string): Promise<{ ip: string; bind: string; svc: Service }> {
  const svc = await waitFor(`clusterIP of ${name}`, async () => {
    const s = await services().get(name, { namespace: NS });
    return s.spec?.clusterIP ? s : undefined;
  });
  const ip = svc.spec!.clusterIP!;
  return { ip, bind: mapIp(ip) ?? ip, svc };
}

before(async () => {
  server = await startTestServer({ args: ['--service-cidr', '198.19.0.0/16'] });
  client = clientFromKubeconfig({ path: server.kubeconfigPath, qps: 1000, burst: 1000 });
  manager = await startControllerManager({ client, log: silentLogger, controllers: ['endpointslice'], options: { resyncPeriodMs: 2000 } });
  proxy = await startProxy({ client, nodeAddress: NODE, bindAddressMapping: mapIp, log: silentLogger, syncDelayMs: 10 });
  dns = await startDns({ client, listen: { address: '127.0.0.1', port: 0 }, upstream: null, log: silentLogger });
  for (let i = 0; i < 3; i++) await addPod(i);
  const ports = [{ name: 'http', port: 18080, targetPort: podPort, protocol: 'TCP' as const }];
  await services().create({ metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports } }, { namespace: NS });
  await services().create({ metadata: { name: 'web-headless' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports } }, { namespace: NS });
});

after(async () => {
  await proxy?.stop();
  await dns?.stop();
  await manager?.stop().catch(() => {});
  client?.close();
  await server?.stop();
  await Promise.all(backends.map((s) => new Promise((r) => s.close(r))));
});

test('300 connections to the ClusterIP reach all 3 pods, each ≥ 20 %', async () => {
  const { bind } = await clusterAddr('web');
  await waitFor('3 endpoints behind the ClusterIP', async () => (await tally(bind, 18080, 9, 3)).size === 3, 15_000, 100);
  const counts = await tally(bind, 18080, 300);
  assert.deepEqual([...counts.keys()].sort(), ['web-0', 'web-1', 'web-2']);
  for (const [pod, n] of counts) assert.ok(n >= 60, `${pod} got ${n}/300`);
});

/** GET /version over TLS at `host`, checking the certificate names `name` (the ClusterIP). */
function versionAt(host: string, port: number, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host, port, path: '/version', ca: server.caPem, agent: false, timeout: 3000, checkServerIdentity: (_h, cert) => checkServerIdentity(name, cert) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

test('the kubernetes Service: the range\'s first address, port 443 to this API server, which answers there', async () => {
  const { ip, bind, svc } = await clusterAddr('kubernetes');
  assert.equal(ip, '198.19.0.1');
  assert.deepEqual(svc.spec?.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: server.port }]);
  assert.equal(svc.spec?.selector, undefined);
  const slice = await client.resource<EndpointSlice>(EndpointSliceKind).get('kubernetes', { namespace: NS });
  assert.deepEqual([slice.endpoints?.map((e) => e.addresses), slice.ports?.map((p) => p.port)], [[['127.0.0.1']], [server.port]]);
  // Port 443 needs root; the certificate carries the ClusterIP (--service-cidr's first address).
  if (process.getuid?.() !== 0) return;
  const body = await waitFor('the API through the kubernetes ClusterIP', () => versionAt(bind, 443, ip), 15_000, 100);
  assert.match(JSON.parse(body).gitVersion, /^v1\./);
});

test('NodePort answers on the node address', async () => {
  const { svc } = await clusterAddr('web');
  const nodePort = svc.spec!.ports![0]!.nodePort!;
  assert.ok(nodePort >= 30000);
  const counts = await waitFor('NodePort reaches the pods', async () => {
    const c = await tally(NODE, nodePort, 30, 3);
    return c.size === 3 ? c : undefined;
  }, 5000);
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), 30);
});

test('DNS: the service name resolves to its ClusterIP, the headless one to the ready pod IPs and pod hostnames', async () => {
  const { ip } = await clusterAddr('web');
  const a = await queryUdp(dns.port, 'web.default.svc.cluster.local', RR.A);
  assert.equal(a.rcode, RCODE.NOERROR);
  assert.deepEqual(a.answers.map((r) => ('address' in r ? r.address : '')), [ip]);
  const h = await waitFor('3 headless addresses', async () => {
    const m = await queryUdp(dns.port, 'web-headless.default.svc.cluster.local', RR.A);
    return m.answers.length === 3 ? m : undefined;
  }, 10_000);
  assert.deepEqual(h.answers.map((r) => ('address' in r ? r.address : '')).sort(), ['127.0.77.1', '127.0.77.2', '127.0.77.3']);
  const pod = await queryUdp(dns.port, 'web-1.web-headless.default.svc.cluster.local', RR.A);
  assert.deepEqual(pod.answers.map((r) => ('address' in r ? r.address : '')), ['127.0.77.2']);
  const srv = await queryUdp(dns.port, '_http._tcp.web.default.svc.cluster.local', RR.SRV);
  assert.deepEqual(srv.answers.map((r) => ('port' in r ? `${r.port} ${r.target}` : '')), ['18080 web.default.svc.cluster.local']);
  assert.equal((await queryUdp(dns.port, 'nope.default.svc.cluster.local', RR.A)).rcode, RCODE.NXDOMAIN);
});

test('an unready pod gets no new connections within 2 s; a new pod gets traffic within 2 s', async (t) => {
  const { bind } = await clusterAddr('web');
  const t0 = Date.now();
  await setPodStatus('web-2', '127.0.77.3', false);
  await waitFor('web-2 out of rotation', async () => !(await tally(bind, 18080, 20, 4)).has('web-2'), 2000, 20);
  const outMs = Date.now() - t0;
  const after = await tally(bind, 18080, 60);
  assert.equal(after.has('web-2'), false);
  assert.equal(after.size, 2);
  const t1 = Date.now();
  await addPod(3);
  await waitFor('web-3 in rotation', async () => (await tally(bind, 18080, 20, 4)).has('web-3'), 2000, 20);
  t.diagnostic(`unready → out of rotation in ${outMs} ms; new pod → in rotation in ${Date.now() - t1} ms`);
});

test('sessionAffinity ClientIP keeps a client on one pod', async () => {
  await services().create(
    { metadata: { name: 'sticky' }, spec: { selector: { app: 'web' }, sessionAffinity: 'ClientIP', ports: [{ port: 18082, targetPort: podPort }] } },
    { namespace: NS },
  );
  const { bind } = await clusterAddr('sticky');
  await waitFor('sticky served', async () => (await tally(bind, 18082, 1, 1)).size === 1, 10_000);
  const counts = await tally(bind, 18082, 40, 4);
  assert.equal(counts.size, 1, JSON.stringify([...counts]));
});

test('LoadBalancer: the node address is the ingress IP and serves the port, as k3s ServiceLB', async () => {
  await services().create({ metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 18083, targetPort: podPort }] } }, { namespace: NS });
  const svc = await waitFor('ingress IP', async () => {
    const s = await services().get('lb', { namespace: NS });
    return s.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
  }, 10_000);
  assert.equal(svc.status!.loadBalancer!.ingress![0]!.ip, NODE);
  const body = await waitFor('LB port answers', () => get(NODE, 18083).catch(() => ''), 5000);
  assert.match(body, /^web-\d$/);
});

test('deleting the Service frees its listeners', async () => {
  const { bind, svc } = await clusterAddr('web');
  const nodePort = svc.spec!.ports![0]!.nodePort!;
  assert.ok(proxy.listening().includes(`tcp|${bind}|18080`));
  await services().delete('web', { namespace: NS });
  await waitFor('listeners closed', () => !proxy.listening().some((k) => k === `tcp|${bind}|18080` || k === `tcp|${NODE}|${nodePort}`), 2000, 20);
  const refused = await new Promise<boolean>((resolve) => {
    const s = connect(18080, bind);
    s.on('connect', () => (s.destroy(), resolve(false)));
    s.on('error', () => resolve(true));
  });
  assert.equal(refused, true, 'nothing listens on the ClusterIP any more');
  const gone = await waitFor('DNS forgets the name', async () => (await queryUdp(dns.port, 'web.default.svc.cluster.local', RR.A)).rcode === RCODE.NXDOMAIN, 5000);
  assert.equal(gone, true);
});
