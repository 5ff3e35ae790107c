/**
 * kubectl logs and exec through the API server to a kubelet: the kubelet here is a small
 * test double speaking the kubelet API (containerLogs; exec over WebSocket v5.channel.k8s.io).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startKubectlHarness, type KubectlHarness } from '../../src/apiserver/resources/kubectl-harness.js';

let h: KubectlHarness;
let kubelet: Server;

before(async () => {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
  kubelet = createServer((req, res) => {
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(req.url ?? '');
    if (m) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello from ${m[3]} of ${m[1]}/${m[2]}\n`);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  kubelet.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const args = new URL(req.url ?? '/', 'http://x').searchParams.getAll('command');
      if (args[0] === 'fail') {
        ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('oops\n')]));
        const st = { metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: exit status 3', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } };
        ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(st))]));
      } else {
        ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`${args.join(' ')}\n`)]));
        ws.send(Buffer.concat([Buffer.from([3]), Buffer.from('{"metadata":{},"status":"Success"}')]));
      }
      ws.close(1000);
    });
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  const port = (kubelet.address() as AddressInfo).port;
  h = await startKubectlHarness({ kubelet: { scheme: 'http' } });
  const node = h.file(
    'node.yaml',
    `apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  addresses:\n  - {type: InternalIP, address: 127.0.0.1}\n  daemonEndpoints:\n    kubeletEndpoint: {Port: ${port}}\n`,
  );
  const pod = h.file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  nodeName: n1\n  containers:\n  - {name: app, image: busybox}\n  - {name: side, image: busybox}\n');
  for (const f of [node, pod]) {
    const r = await h.kubectl(['create', '-f', f]);
    assert.equal(r.code, 0, r.stderr);
  }
});

after(async () => {
  await h?.stop();
  kubelet?.closeAllConnections();
  await new Promise<void>((r) => (kubelet ? kubelet.close(() => r()) : r()));
});

test('kubectl logs picks the container and prints the kubelet stream', async () => {
  const r = await h.kubectl(['logs', 'web', '-c', 'side']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello from side of default/web\n');
  const several = await h.kubectl(['logs', 'web']);
  assert.equal(several.stdout, 'hello from app of default/web\n');
  assert.equal(several.stderr, 'Defaulted container "app" out of: app, side\n');
  const missing = await h.kubectl(['logs', 'nope']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n');
});

test('kubectl exec relays output and the exit code', async () => {
  const r = await h.kubectl(['exec', 'web', '-c', 'app', '--', 'echo', 'hi', 'there']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'echo hi there\n');
  const f = await h.kubectl(['exec', 'web', '-c', 'app', '--', 'fail']);
  assert.equal(f.code, 3);
  assert.equal(f.stderr, 'oops\ncommand terminated with exit code 3\n');
});
