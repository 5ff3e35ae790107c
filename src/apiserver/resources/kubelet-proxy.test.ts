import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { startHarness, type Harness } from './test-kinds.js';

/** A stand-in for the kubelet API: container logs, and exec over WebSocket v5. */
let kubelet: Server;
let kubeletPort = 0;
const seenPaths: string[] = [];
let h: Harness;

before(async () => {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet = createServer((req, res) => {
    seenPaths.push(req.url ?? '');
    if (req.url?.startsWith('/containerLogs/default/web/main')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('line 1\n');
      res.end('line 2\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such container');
  });
  kubelet.on('upgrade', (req, socket, head) => {
    seenPaths.push(req.url ?? '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const cmd = url.searchParams.getAll('command').join(' ');
      ws.on('message', (data: Buffer) => {
        // stdin (channel 0) is echoed on stdout (channel 1)
        if (data[0] === 0) ws.send(Buffer.concat([Buffer.from([1]), data.subarray(1)]));
        if (data[0] === 255) {
          ws.send(Buffer.concat([Buffer.from([3]), Buffer.from('{"metadata":{},"status":"Success"}')]));
          ws.close(1000);
        }
      });
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`ran: ${cmd}\n`)]));
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  kubeletPort = (kubelet.address() as AddressInfo).port;
  h = await startHarness({ kubelet: { scheme: 'http' } });
  const node = await h.req('POST', '/api/v1/nodes', {
    metadata: { name: 'n1' },
    status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } },
  });
  assert.equal(node.status, 201, JSON.stringify(node.body));
  await h.req('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'web' }, spec: { nodeName: 'n1', containers: [{ name: 'main' }] } });
  await h.req('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'two' }, spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }] } });
  await h.req('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'pending' }, spec: { containers: [{ name: 'a' }] } });
});

after(async () => {
  await h.close();
  kubelet.closeAllConnections();
  await new Promise<void>((r) => kubelet.close(() => r()));
});

test('pods/log is streamed from the kubelet with the log options passed on', async () => {
  const r = await h.req('GET', '/api/v1/namespaces/default/pods/web/log?tailLines=5&timestamps=true&bogus=1');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'line 1\nline 2\n');
  assert.equal(r.headers.get('content-type'), 'text/plain');
  assert.ok(seenPaths.includes('/containerLogs/default/web/main?timestamps=true&tailLines=5'), seenPaths.join(' '));
});

test('pods/log errors: several containers, wrong container, unscheduled pod, missing pod', async () => {
  const several = await h.req('GET', '/api/v1/namespaces/default/pods/two/log');
  assert.equal(several.status, 400);
  assert.equal(several.body.message, 'a container name must be specified for pod two, choose one of: [a b]');
  const wrong = await h.req('GET', '/api/v1/namespaces/default/pods/web/log?container=zzz');
  assert.equal(wrong.body.message, 'container zzz is not valid for pod web');
  const pending = await h.req('GET', '/api/v1/namespaces/default/pods/pending/log');
  assert.equal(pending.body.message, 'pod pending does not have a host assigned');
  const missing = await h.req('GET', '/api/v1/namespaces/default/pods/nope/log');
  assert.equal(missing.status, 404);
  const noUpgrade = await h.req('POST', '/api/v1/namespaces/default/pods/web/exec?command=ls');
  assert.equal(noUpgrade.status, 400);
  assert.equal(noUpgrade.body.message, 'Upgrade request required');
});

test('pods/exec over WebSocket v5 is spliced through to the kubelet', async () => {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/web/exec?command=echo&command=hi&stdin=true&stdout=true`, ['v5.channel.k8s.io']);
  const frames: Buffer[] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (d: Buffer) => frames.push(d));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  assert.equal(ws.protocol, 'v5.channel.k8s.io');
  ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('typed\n')]));
  await new Promise((r) => setTimeout(r, 50));
  ws.send(Buffer.from([255, 0]));
  assert.equal(await closed, 1000);
  assert.deepEqual(
    frames.map((f) => [f[0], f.subarray(1).toString()]),
    [
      [1, 'ran: echo hi\n'],
      [1, 'typed\n'],
      [3, '{"metadata":{},"status":"Success"}'],
    ],
  );
  assert.ok(seenPaths.some((p) => p.startsWith('/exec/default/web/main?command=echo&command=hi')), seenPaths.join(' '));
});

test('an upgrade for a missing pod gets a Status answer, not a hang', async () => {
  const ws = new WebSocket(`${h.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/nope/exec?command=ls`, ['v5.channel.k8s.io']);
  const status = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
  assert.equal(status, 404);
});
