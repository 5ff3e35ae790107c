/**
 * Services with the service CIDR inside 127.0.0.0/8: the proxy binds the ClusterIPs
 * themselves (no mapping, no root). The `skiff server` CLI has no service-CIDR flag yet,
 * so this suite runs the API server in process with `serviceCidr` set on its resource
 * layer. Covers a UDP service end to end and the release of every listener on stop().
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { createResourceHandler } from '../../src/apiserver/resources/index.js';
import { startApiServer, type ApiServer } from '../../src/apiserver/server.js';
import { silentLogger } from '../../src/client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/rest-client.js';
import { startControllerManager, type ControllerManager } from '../../src/controllers/manager.js';
import { waitFor } from '../../src/controllers/test-support.js';
import { startProxy, type Proxy } from '../../src/proxy/proxy.js';

const NS = 'default';
const CIDR = '127.44.0.0/16';
let dataDir: string;
let api: ApiServer;
let client: RestClient;
let manager: ControllerManager;
let proxy: Proxy | undefined;
const closers: Array<() => void> = [];
let port = 0;

async function tcpPod(name: string, ip: string): Promise<void> {
  const s: Server = createServer((c) => c.end(name));
  await new Promise<void>((r) => s.listen(port, ip, r));
  port ||= (s.address() as { port: number }).port;
  closers.push(() => s.close());
  const u: UdpSocket = createSocket('udp4');
  u.on('message', (_m, r) => u.send(name, r.port, r.address));
  await new Promise<void>((r) => u.bind(port, ip, r));
  closers.push(() => u.close());
  const pods = client.resource<Pod>(PodKind);
  await pods.create({ metadata: { name, labels: { app: 'lo' } }, spec: { containers: [{ name: 'c', image: 'x' }] } }, { namespace: NS });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await pods.subresource('status').patch(name, { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, 'merge', { namespace: NS });
}

const readTcp = (host: string, p: number) =>
  new Promise<string>((resolve) => {
    let body = '';
    connect(p, host)
      .on('data', (d) => (body += d.toString()))
      .on('close', () => resolve(body))
      .on('error', () => resolve(''));
  });

const askUdp = (sock: UdpSocket, host: string, p: number) =>
  new Promise<string>((resolve) => {
    const t = setTimeout(() => resolve(''), 500);
    sock.once('message', (m) => {
      clearTimeout(t);
      resolve(m.toString());
    });
    sock.send('?', p, host);
  });

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-svc-lo-'));
  api = await startApiServer({ dataDir, port: 0, bindAddress: '127.0.0.1', logger: silentLogger, createResources: (c) => createResourceHandler({ ...c, serviceCidr: CIDR }) });
  client = clientFromKubeconfig({ path: api.kubeconfigPath, qps: 1000, burst: 1000 });
  manager = await startControllerManager({ client, log: silentLogger, controllers: ['endpointslice'] });
  proxy = await startProxy({ client, log: silentLogger, syncDelayMs: 10 });
  await tcpPod('lo-0', '127.0.78.1');
  await tcpPod('lo-1', '127.0.78.2');
});

after(async () => {
  await proxy?.stop();
  await manager?.stop().catch(() => {});
  client?.close();
  await api?.close();
  for (const c of closers) c();
  rmSync(dataDir, { recursive: true, force: true });
});

test('ClusterIPs from a 127.0.0.0/8 CIDR are bound directly; TCP and UDP ports balance over the pods; stop() frees them', async () => {
  const svc = await client.resource<Service>(ServiceKind).create(
    {
      metadata: { name: 'lo' },
      spec: {
        selector: { app: 'lo' },
        ports: [
          { name: 'tcp', port: 19090, targetPort: port, protocol: 'TCP' },
          { name: 'udp', port: 19090, targetPort: port, protocol: 'UDP' },
        ],
      },
    },
    { namespace: NS },
  );
  const ip = svc.spec!.clusterIP!;
  assert.match(ip, /^127\.44\./);
  await waitFor('both pods behind the TCP port', async () => new Set(await Promise.all([1, 2, 3, 4].map(() => readTcp(ip, 19090)))).size === 2, 10_000);
  assert.ok(proxy!.listening().includes(`tcp|${ip}|19090`));
  assert.ok(proxy!.listening().includes(`udp|${ip}|19090`));

  // Each UDP client (source port) is a flow stuck to one pod; flows are balanced.
  const clients = [createSocket('udp4'), createSocket('udp4'), createSocket('udp4'), createSocket('udp4')];
  try {
    const seen = await waitFor('both pods behind the UDP port', async () => {
      const names = await Promise.all(clients.map((c) => askUdp(c, ip, 19090)));
      return new Set(names).size === 2 && !names.includes('') ? names : undefined;
    }, 10_000);
    const again = await Promise.all(clients.map((c) => askUdp(c, ip, 19090)));
    assert.deepEqual(again, seen, 'a flow keeps its pod');
  } finally {
    for (const c of clients) c.close();
  }

  await proxy!.stop();
  proxy = undefined;
  // Both ports are free again: we can bind them ourselves.
  const tcpProbe = createServer();
  await new Promise<void>((resolve, reject) => tcpProbe.once('error', reject).listen(19090, ip, resolve));
  tcpProbe.close();
  const probe = createSocket('udp4');
  await new Promise<void>((resolve, reject) => probe.once('error', reject).bind(19090, ip, resolve));
  probe.close();
});
