/**
 * e2e: `kubectl port-forward` and `kubectl attach` through a real `skiff server` to a
 * kubelet with the process runtime (in this process), with the real kubectl: 1.32 (the
 * dispatcher: SPDY tunnelled in a WebSocket), its SPDY fallback, and 1.27 (plain SPDY
 * upgrade); client-node's PortForward (WebSocket v4.channel.k8s.io).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startTestServer, kubectl, kubectlMissing, startKubectl, type KubectlVersion, type RunningKubectl as Running, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { memoryLogger } from '../../src/client/logger.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';

const NODE = 'pf-e2e-node';
// Prints "tick N" every 100 ms (every 5th also "warn N" on stderr) until the file in STOP exists, then exits 0.
const TICKER = "let n=0;const t=setInterval(()=>{console.log('tick '+n);if(n%5===0)console.error('warn '+n);n++;if(require('fs').existsSync(process.env.STOP)){clearInterval(t)}},100)";
// Answers with the pod's name, the path, and a body as large as ?size= asks.
const WEB = "require('http').createServer((q,s)=>{const n=Number(new URL(q.url,'http://x').searchParams.get('size')||0);s.end(process.env.MY_NAME+' '+q.url+' '+'x'.repeat(n))}).listen(8080, process.env.POD_IP)";

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A fresh connection per request (no keep-alive): each is one forwarded stream pair.
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('request timed out')));
    req.end();
  });
}

/** Resolves true once nothing accepts connections on 127.0.0.1:port. */
function portClosed(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('connect', () => (s.destroy(), resolve(undefined)));
    s.on('error', () => resolve(true));
  });
}

describe('kubectl port-forward and attach to process-runtime pods', { skip: kubectlMissing(), timeout: 300_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let dataDir: string;
  const logs = memoryLogger();
  const running: Running[] = [];
  const pods = () => client.resource<Pod>(PodKind);
  const run = (args: string[], opts?: { version?: KubectlVersion; env?: Record<string, string> }): Running => {
    const r = startKubectl(server.kubeconfigPath, args, opts);
    running.push(r);
    return r;
  };

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-pf-e2e-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir, logger: logs, nodeIP: '127.0.0.1', apiPort: 0 });
    await pods().create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: 'node:20', command: [process.execPath, '-e', WEB], env: [{ name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } }] },
    } as Pod);
    await pods().create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ticker', namespace: 'default' },
      spec: { nodeName: NODE, restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'ticker', image: 'node:20', command: [process.execPath, '-e', TICKER], env: [{ name: 'STOP', value: join(dataDir, 'stop-ticker') }] }] },
    } as Pod);
    await waitFor('web ready', async () => {
      const p = await pods().get('web', { namespace: 'default' });
      return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
  });

  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const forwarding = async (r: Running, remote = 8080): Promise<number> => {
    const m = await waitFor('Forwarding from …', async () => {
      if (r.child.exitCode !== null) throw new Error(`kubectl exited ${r.child.exitCode}: ${r.err()}`);
      return new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${remote}`).exec(r.out()) ?? undefined;
    }, 60_000);
    return Number(m[1]);
  };

  /** The kubelet's log lines for ended port-forward sessions of one protocol. */
  const sessionsEnded = (protocol: string) => logs.lines.filter((l) => l.msg === 'port-forward ended' && l.fields.protocol === protocol);

  const cases: Array<{ name: string; protocol: string; version?: KubectlVersion; env?: Record<string, string> }> = [
    { name: 'kubectl 1.32 (SPDY tunnelled in a WebSocket)', protocol: 'websocket-spdy' },
    { name: 'kubectl 1.32 with KUBECTL_PORT_FORWARD_WEBSOCKETS=false (SPDY upgrade)', protocol: 'spdy', env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } },
    { name: 'kubectl 1.27 (SPDY upgrade)', protocol: 'spdy', version: '1.27' },
  ];
  for (const c of cases) {
    it(`${c.name}: forwards connections to the pod, concurrently, and frees the port on exit`, { skip: kubectlMissing(c.version) }, async () => {
      const before = sessionsEnded(c.protocol).length;
      const pf = run(['port-forward', 'pod/web', ':8080'], { ...(c.version ? { version: c.version } : {}), ...(c.env ? { env: c.env } : {}) });
      const port = await forwarding(pf);
      const one = await httpGet(port, '/one');
      assert.equal(one.status, 200);
      assert.equal(one.body, 'web /one ');
      // Two at once, one of them larger than SPDY's 64 KiB initial window.
      const [a, b] = await Promise.all([httpGet(port, '/a?size=300000'), httpGet(port, '/b')]);
      assert.equal(a.body, `web /a?size=300000 ${'x'.repeat(300000)}`);
      assert.equal(b.body, 'web /b ');
      const code = await pf.stop();
      assert.ok(code === 0 || code === null, `kubectl exit ${code}: ${pf.err()}`);
      await waitFor('local port closed', () => portClosed(port), 10_000);
      // The kubelet saw the protocol this kubectl speaks, and the session ended with kubectl.
      const ended = await waitFor(`a ${c.protocol} session ended`, async () => sessionsEnded(c.protocol)[before], 10_000);
      assert.equal(ended.fields.connections, 3, 'one stream pair per local connection');
    });
  }

  const spdyExec: Array<{ name: string; version?: KubectlVersion; env?: Record<string, string> }> = [
    { name: 'kubectl 1.27', version: '1.27' },
    { name: 'kubectl 1.32 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } },
  ];
  for (const c of spdyExec) {
    it(`${c.name}: exec over SPDY carries stdout, stderr, stdin and the exit code`, { skip: kubectlMissing(c.version) }, async () => {
      const opts = { kubeconfig: server.kubeconfigPath, ...(c.version ? { version: c.version } : {}), ...(c.env ? { env: c.env } : {}) };
      const failed = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], opts);
      assert.equal(failed.code, 3, failed.stderr);
      assert.equal(failed.stdout, 'out\n');
      assert.match(failed.stderr, /^err$/m);
      const echoed = await kubectl(['exec', '-i', 'web', '--', 'cat'], { ...opts, stdin: 'hello over spdy\n' });
      assert.equal(echoed.code, 0, echoed.stderr);
      assert.equal(echoed.stdout, 'hello over spdy\n');
    });
  }

  it('a pod port nobody listens on: kubectl prints the kubelet error and closes the local connection', async () => {
    const pf = run(['port-forward', 'pod/web', ':9']);
    const port = await forwarding(pf, 9);
    await assert.rejects(httpGet(port, '/'), /socket hang up|ECONNRESET/);
    await waitFor('the error on stderr', async () => (/error forwarding port 9 to pod default\/web, uid [0-9a-f-]+: connect ECONNREFUSED 127\.[\d.]+:9/.test(pf.err()) ? true : undefined), 10_000);
  });

  it('kubectl attach streams what the container writes from then on, stdout and stderr apart, until kubectl is stopped', async () => {
    const logged = await waitFor('ticker has ticked', async () => {
      const r = await kubectl(['logs', 'ticker'], { kubeconfig: server.kubeconfigPath });
      const ticks = [...r.stdout.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
      return ticks.length >= 5 ? ticks : undefined;
    });
    const at = run(['attach', 'pod/ticker']);
    const seen = await waitFor('five ticks through attach', async () => {
      if (at.child.exitCode !== null) throw new Error(`kubectl attach exited ${at.child.exitCode}: ${at.err()}`);
      const ticks = [...at.out().matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));
      return ticks.length >= 5 && /^warn \d+$/m.test(at.err()) ? ticks : undefined;
    }, 30_000);
    // From the moment of attaching on, in order, nothing skipped.
    assert.ok((seen[0] as number) > (logged.at(-1) as number), `first attached tick ${seen[0]} after the logged ${logged.at(-1)}`);
    seen.forEach((t, i) => assert.equal(t, (seen[0] as number) + i));
    assert.doesNotMatch(at.out(), /warn/);
    assert.doesNotMatch(at.err(), /tick/);
    await at.stop();
  });

  it('kubectl attach -i is refused: container stdin is /dev/null', async () => {
    const r = await kubectl(['attach', '-i', 'pod/ticker'], { kubeconfig: server.kubeconfigPath, timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot attach to the stdin of container ticker in pod ticker: the process runtime starts containers with stdin from \/dev\/null/);
  });

  it('kubectl attach ends with exit 0 when the container ends', async () => {
    const at = run(['attach', 'pod/ticker']);
    await waitFor('attached', async () => (/^tick \d+$/m.test(at.out()) ? true : at.child.exitCode !== null ? Promise.reject(new Error(at.err())) : undefined), 30_000);
    writeFileSync(join(dataDir, 'stop-ticker'), '');
    const code = await Promise.race([at.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 20_000).unref())]);
    assert.equal(code, 0, at.err());
    // The last line the container wrote came through before the end.
    const logs = await kubectl(['logs', 'ticker'], { kubeconfig: server.kubeconfigPath });
    const lastTick = (text: string) => text.match(/^tick \d+$/gm)?.at(-1);
    assert.equal(lastTick(at.out()), lastTick(logs.stdout));
    assert.ok(lastTick(at.out()));
  });

  it('client-node PortForward (WebSocket v4.channel.k8s.io) carries a connection to the pod', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    const forward = new k8s.PortForward(kc);
    const sockets = new Set<import('node:net').Socket>();
    const local = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      forward.portForward('default', 'web', [8080], socket, null, socket).catch(() => socket.destroy());
    });
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    try {
      const port = (local.address() as AddressInfo).port;
      const before = sessionsEnded('v4.channel.k8s.io').length;
      const [a, b] = await Promise.all([httpGet(port, '/via-client-node?size=100000'), httpGet(port, '/second')]);
      assert.equal(a.body, `web /via-client-node?size=100000 ${'x'.repeat(100000)}`);
      assert.equal(b.body, 'web /second ');
      // The pod closed each connection (Connection: close): each session ends with it.
      await waitFor('two v4 sessions ended', async () => (sessionsEnded('v4.channel.k8s.io').length >= before + 2 ? true : undefined), 10_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => local.close(() => r()));
    }
  });
});
