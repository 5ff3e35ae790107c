/**
 * The built-in ingress controller end to end: a real `skiff server`, the controller in this
 * process on 127.0.0.1:0, and "pods" that are HTTP servers of this test on loopback,
 * reached through Services and EndpointSlices written by hand (no selector, no kubelet).
 * Every request goes to loopback; waits poll with deadlines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { EndpointSliceKind, serviceNameLabel, type EndpointSlice } from '../../src/api/discovery/v1/endpoint-slice.js';
import { IngressKind, type HTTPIngressPath, type Ingress, type IngressBackend, type IngressRule } from '../../src/api/networking/v1/ingress.js';
import { silentLogger } from '../../src/client/logger.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/rest-client.js';
import { ensureDefaultIngressClass, startIngressController, type IngressController } from '../../src/ingress/index.js';
import { startTestServer, waitFor, type TestServer } from './support/index.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { startNodeIngress } from '../../src/cli/node-ingress.js';

const NS = 'default';
let server: TestServer;
let client: RestClient;
let controller: IngressController;
const backends: Server[] = [];

/** A backend that answers with its name and what it received, as JSON. */
async function startBackend(name: string, ip: string, port = 0): Promise<number> {
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const h = req.headers;
      res.setHeader('x-backend', name);
      res.end(JSON.stringify({ name, method: req.method, url: req.url, host: h.host, xff: h['x-forwarded-for'], xfh: h['x-forwarded-host'], xfp: h['x-forwarded-proto'], body: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, ip, () => resolve()));
  backends.push(s);
  return (s.address() as AddressInfo).port;
}

interface Answer {
  status: number;
  name?: string;
  json?: Record<string, string | undefined>;
}

function send(host: string, path: string, opts: { method?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: controller.port, path, method: opts.method ?? 'GET', headers: { host }, agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const json = res.headers['x-backend'] ? (JSON.parse(text) as Record<string, string | undefined>) : undefined;
        resolve({ status: res.statusCode ?? 0, ...(json ? { json, name: json.name } : {}) });
      });
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end(opts.body);
  });
}

/** Polls until `host path` is answered as `want` (a backend name or a status code); returns the time it took. */
async function until(host: string, path: string, want: string | number, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  let last: Answer | undefined;
  await waitFor(`${host}${path} → ${want} (last ${JSON.stringify(last)})`, async () => {
    last = await send(host, path);
    return (typeof want === 'number' ? last.status === want && !last.name : last.name === want) ? true : undefined;
  }, timeoutMs, 20);
  return Date.now() - t0;
}

async function service(name: string, port: { name: string; port: number }, endpoints: { ips: string[]; port: number } | undefined): Promise<void> {
  await client.resource<Service>(ServiceKind).create({ metadata: { name }, spec: { ports: [{ ...port, protocol: 'TCP' }] } }, { namespace: NS });
  if (!endpoints) return;
  const slice = {
    metadata: { name: `${name}-1`, labels: { [serviceNameLabel]: name } },
    addressType: 'IPv4',
    endpoints: endpoints.ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: port.name, port: endpoints.port, protocol: 'TCP' }],
  } as EndpointSlice;
  await client.resource<EndpointSlice>(EndpointSliceKind).create(slice, { namespace: NS });
}

const ingresses = () => client.resource<Ingress>(IngressKind);
const back = (name: string, port: { number: number } | { name: string }): IngressBackend => ({ service: { name, port } });
const ingress = (name: string, spec: Ingress['spec']): Ingress => ({ metadata: { name }, spec });
const mainRules = (extra: HTTPIngressPath[] = []): IngressRule[] => [
  {
    host: 'app.test',
    http: {
      paths: [
        { path: '/', pathType: 'Prefix', backend: back('web', { number: 80 }) },
        { path: '/api', pathType: 'Prefix', backend: back('api', { name: 'http' }) },
        { path: '/exact', pathType: 'Exact', backend: back('api', { name: 'http' }) },
        ...extra,
      ],
    },
  },
  { host: '*.wild.test', http: { paths: [{ path: '/', pathType: 'ImplementationSpecific', backend: back('api', { number: 8080 }) }] } },
  { host: 'down.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: back('empty', { number: 80 }) }] } },
];

before(async () => {
  server = await startTestServer();
  client = clientFromKubeconfig({ path: server.kubeconfigPath });
  // Two web replicas on one port at two loopback addresses; api and fallback alone.
  const webPort = await startBackend('web-a', '127.0.0.1');
  await startBackend('web-b', '127.0.0.2', webPort);
  const apiPort = await startBackend('api', '127.0.0.1');
  const fallbackPort = await startBackend('fallback', '127.0.0.1');
  await service('web', { name: 'http', port: 80 }, { ips: ['127.0.0.1', '127.0.0.2'], port: webPort });
  await service('api', { name: 'http', port: 8080 }, { ips: ['127.0.0.1'], port: apiPort });
  await service('fallback', { name: 'web', port: 80 }, { ips: ['127.0.0.1'], port: fallbackPort });
  await service('empty', { name: 'http', port: 80 }, undefined);

  assert.equal(await ensureDefaultIngressClass(client, 'skiff'), true);
  assert.equal(await ensureDefaultIngressClass(client, 'skiff'), false, 'a second call leaves the class alone');
  await ingresses().create(ingress('main', { ingressClassName: 'skiff', rules: mainRules() }), { namespace: NS });
  await ingresses().create(ingress('foreign', { ingressClassName: 'nginx', rules: [{ host: 'foreign.test', http: { paths: [{ path: '/', pathType: 'Prefix', backend: back('web', { number: 80 }) }] } }] }), { namespace: NS });

  controller = await startIngressController({ client, listen: { address: '127.0.0.1', port: 0 }, ingressIP: '127.0.0.1', log: silentLogger });
  await controller.ready();
});

after(async () => {
  await controller?.stop();
  for (const b of backends) b.close();
  client?.close();
  await server?.stop();
});

test('routes by host and path: Prefix element-wise, Exact, wildcard host, longest match', async () => {
  await until('app.test', '/api/v1/things', 'api');
  assert.equal((await send('app.test', '/api')).name, 'api');
  assert.match((await send('app.test', '/apis')).name ?? '', /^web-/, '/apis is not under the /api prefix');
  assert.equal((await send('app.test', '/exact')).name, 'api');
  assert.match((await send('app.test', '/exact/more')).name ?? '', /^web-/, 'Exact does not match below itself');
  assert.equal((await send('x.wild.test', '/any')).name, 'api');
  assert.equal((await send('a.b.wild.test', '/any')).status, 404, 'a wildcard matches one label only');
  assert.equal((await send('APP.test:8080', '/api')).name, 'api', 'host case and port are ignored');
});

test('balances round-robin over ready endpoints and forwards faithfully', async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add((await send('app.test', '/')).name ?? '');
  assert.deepEqual([...seen].sort(), ['web-a', 'web-b']);
  const a = await send('app.test', '/api/echo?x=1', { method: 'POST', body: 'hello ingress' });
  assert.deepEqual(
    { method: a.json?.method, url: a.json?.url, host: a.json?.host, xff: a.json?.xff, xfh: a.json?.xfh, xfp: a.json?.xfp, body: a.json?.body },
    { method: 'POST', url: '/api/echo?x=1', host: 'app.test', xff: '127.0.0.1', xfh: 'app.test', xfp: 'http', body: 'hello ingress' },
  );
});

test('404 when nothing matches, 503 without endpoints, other classes ignored', async () => {
  assert.equal((await send('other.test', '/')).status, 404);
  assert.equal((await send('down.test', '/')).status, 503);
  assert.equal((await send('foreign.test', '/')).status, 404);
});

test('writes the ingress IP into served Ingresses only', async () => {
  const main = await waitFor('status of main', async () => {
    const ing = await ingresses().get('main', { namespace: NS });
    return ing.status?.loadBalancer?.ingress?.length ? ing : undefined;
  }, 10_000);
  assert.deepEqual(main.status?.loadBalancer?.ingress, [{ ip: '127.0.0.1' }]);
  const foreign = await ingresses().get('foreign', { namespace: NS });
  assert.equal(foreign.status?.loadBalancer?.ingress, undefined);
});

test('a new path and a class-less default backend take effect within a second or two', async () => {
  const current = await ingresses().get('main', { namespace: NS });
  await ingresses().update({ ...current, spec: { ...current.spec, rules: mainRules([{ path: '/new', pathType: 'Exact', backend: back('fallback', { name: 'web' }) }]) } }, { namespace: NS });
  const took = await until('app.test', '/new', 'fallback');
  assert.ok(took < 2000, `the new path took ${took} ms`);

  // No class: served because the skiff IngressClass is the default one.
  await ingresses().create(ingress('catch-all', { defaultBackend: back('fallback', { number: 80 }) }), { namespace: NS });
  await until('other.test', '/whatever', 'fallback', 2000);
  assert.match((await send('app.test', '/')).name ?? '', /^web-/, 'rules still win over a default backend');
  await until('down.test', '/', 503, 2000);

  await ingresses().delete('catch-all', { namespace: NS });
  await until('other.test', '/whatever', 404, 2000);
});

test('stop() closes the listener', async () => {
  const port = controller.port;
  await controller.stop();
  await assert.rejects(
    new Promise((resolve, reject) => request({ host: '127.0.0.1', port, path: '/', agent: false }, resolve).on('error', reject).end()),
    (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
  );
});

test('on a node: a port in use is reported and the ingress skipped; a free one is served', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  const busyPort = (busy.address() as AddressInfo).port;
  const informers = new SharedInformerFactory({ client, logger: silentLogger });
  const lines: string[] = [];
  try {
    const none = await startNodeIngress({ client, informers, address: '127.0.0.1', port: busyPort, httpsPort: 0, ingressIP: '', progress: (l) => lines.push(l), log: silentLogger });
    assert.equal(none, undefined);
    assert.deepEqual(lines, [`ingress controller not started: cannot listen on 127.0.0.1:${busyPort} (EADDRINUSE)`]);

    lines.length = 0;
    const node = await startNodeIngress({ client, informers, address: '127.0.0.1', port: 0, httpsPort: 0, ingressIP: '', progress: (l) => lines.push(l), log: silentLogger });
    assert.ok(node);
    try {
      informers.start();
      await node.ready();
      // The class exists already (made in before()), so it is not created again.
      assert.deepEqual(lines, [`ingress controller on 127.0.0.1:${node.port} (HTTP) and :${node.tlsPort} (HTTPS), IngressClass "skiff"`]);
      const answer = await new Promise<string | undefined>((resolve, reject) =>
        request({ host: '127.0.0.1', port: node.port, path: '/api', headers: { host: 'app.test' }, agent: false }, (res) => (res.resume(), resolve(res.headers['x-backend'] as string | undefined))).on('error', reject).end(),
      );
      assert.equal(answer, 'api');
    } finally {
      await node.stop();
    }
  } finally {
    await informers.stop();
    busy.close();
  }
});
