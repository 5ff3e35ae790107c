/**
 * e2e: `kubectl exec`, `attach` and `port-forward` to pods of the cri runtime, through
 * `skiff up --runtime cri` and a private containerd (its streaming server on a loopback
 * port, dialled by the kubelet as SPDY/3.1). The real kubectl 1.27 (SPDY to the API
 * server) and 1.33 (WebSocket). Skipped unless root with containerd installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startKubectl, waitFor, type KubectlVersion, type RunningKubectl } from './support/index.js';
import { containerdMissing, startTestContainerd, type TestContainerd } from './support/containerd-harness.js';
import { loopbackUpCluster } from './support/skiff-up.js';

const SUBNET = '198.18.94.0/24';
const NETS = ['--cluster-cidr', SUBNET, '--service-cidr', '127.94.0.0/16', '--cluster-dns', '127.94.0.10', '--dns-upstream', 'none'];
const IMAGES = { busybox: 'localhost/skiff-e2e/busybox:1', pause: 'localhost/skiff-e2e/pause:1' };
const VERSIONS: KubectlVersion[] = ['1.27', '1.33'];
// Echoes each line of stdin; says when stdin ends, then stays.
const READER = 'echo ready; while read x; do echo got:$x; done; echo eof; exec sleep 3600';

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' }, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

const skip = containerdMissing() || kubectlMissing() || VERSIONS.map((v) => kubectlMissing(v)).find(Boolean) || false;

describe('kubectl exec, attach and port-forward with the cri runtime (containerd)', { skip, timeout: 400_000 }, () => {
  const cluster = loopbackUpCluster('skiff-cri-streams-', async () => {});
  const { dataDir, k } = cluster;
  const kubeconfig = join(dataDir, 'admin.kubeconfig');
  let ctd: TestContainerd | undefined;
  let out = (): string => '';
  const running: RunningKubectl[] = [];
  /** The real kubectl of one version, with its own discovery cache. */
  const kv = (v: KubectlVersion, args: string[], stdin?: string) => kubectl(args, { kubeconfig, version: v, cacheDir: join(dataDir, `cache-${v}`), timeoutMs: 60_000, ...(stdin !== undefined ? { stdin } : {}) });
  const start = (v: KubectlVersion, args: string[], opts: { stdin?: boolean; terminal?: { cols: number; rows: number } } = {}): RunningKubectl => {
    const r = startKubectl(kubeconfig, args, { version: v, cacheDir: join(dataDir, `cache-${v}`), ...opts });
    running.push(r);
    return r;
  };
  /** Waits until `done()`; fails at once if kubectl exits first, telling what it printed. */
  const seen = (r: RunningKubectl, what: string, done: () => boolean, timeoutMs = 20_000) =>
    waitFor(what, async () => {
      if (done()) return true;
      if (r.child.exitCode !== null) throw new Error(`kubectl exited ${r.child.exitCode}`);
      return undefined;
    }, timeoutMs, 100).catch((err: Error) => assert.fail(`${err.message}; kubectl stdout ${JSON.stringify(r.out().slice(-500))}, stderr ${JSON.stringify(r.err().slice(-500))}\n${out()}`));

  const apply = async (name: string, container: object): Promise<void> => {
    const file = join(dataDir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name, image: IMAGES.busybox, imagePullPolicy: 'Never', ...container }] } }));
    const r = await k(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };
  const phase = async (name: string): Promise<string> => (await k(['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])).stdout;

  before(async () => {
    ctd = await startTestContainerd({ bridge: 'skiffcri94', subnet: SUBNET, images: IMAGES });
    const up = await cluster.start('cri-streams-node', [...NETS, '--runtime', 'cri', '--container-runtime-endpoint', `unix://${ctd.socket}`]);
    out = () => up.output().split('\n').filter((l) => !l.includes('"component":"apiserver"')).join('\n').slice(-3000);
    await apply('box', { command: ['sleep', '3600'] });
    await apply('reader', { command: ['sh', '-c', READER], stdin: true });
    await apply('once', { command: ['sh', '-c', READER], stdin: true, stdinOnce: true });
    await apply('web', { command: ['sh', '-c', 'mkdir -p /www && echo hello-through-port-forward > /www/index.html && exec httpd -f -p 8080 -h /www'] });
    for (const name of ['box', 'reader', 'once', 'web']) {
      await waitFor(`${name} Running`, async () => ((await phase(name)) === 'Running' ? true : undefined), 90_000, 300).catch((e: Error) => assert.fail(`${e.message}\n${out()}`));
    }
  }, { timeout: 240_000 });

  after(async () => {
    await Promise.all(running.map((r) => r.stop().catch(() => null)));
    await cluster.cleanup();
    await ctd?.cleanup();
  });

  for (const v of VERSIONS) {
    it(`kubectl ${v} exec: stdout, stderr and the exit code 3`, async () => {
      const r = await kv(v, ['exec', 'box', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.equal(r.code, 3, `${r.stderr}\n${out()}`);
      assert.equal(r.stdout, 'out\n');
      assert.match(r.stderr, /^err\n/);
      assert.match(r.stderr, /command terminated with exit code 3/);
    });

    it(`kubectl ${v}: echo hi | exec -i -- cat ends with hi and 0 (stdin half-closed)`, async () => {
      const r = await kv(v, ['exec', '-i', 'box', '--', 'cat'], 'hi\n');
      assert.equal(r.code, 0, `${r.stderr}\n${out()}`);
      assert.equal(r.stdout, 'hi\n');
    });

    it(`kubectl ${v} exec: a failing command (ls /nonexistent) and a missing one are errors`, async () => {
      const r = await kv(v, ['exec', 'box', '--', 'ls', '/nonexistent']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /nonexistent/);
      const missing = await kv(v, ['exec', 'box', '--', '/no/such/binary']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /no such file|executable file not found/i);
    });

    it(`kubectl ${v} exec -it: a shell on a terminal of kubectl's size, its exit code`, async () => {
      const size = v === '1.27' ? { cols: 97, rows: 33 } : { cols: 83, rows: 27 };
      const ex = start(v, ['exec', '-it', 'box', '--', 'sh'], { stdin: true, terminal: size });
      const reported = new RegExp(`^${size.rows} ${size.cols}\r?$`, 'm');
      // Asks until the shell reports kubectl's size: the resize arrives just after the shell starts.
      await waitFor('the shell reporting the terminal size', async () => {
        if (ex.child.exitCode !== null) throw new Error(`kubectl exited ${ex.child.exitCode}`);
        if (reported.test(ex.out())) return true;
        ex.child.stdin?.write('stty size\r');
        return undefined;
      }, 20_000, 300).catch((err: Error) => assert.fail(`${err.message}; stdout ${JSON.stringify(ex.out().slice(-400))}, stderr ${JSON.stringify(ex.err().slice(-400))}\n${out()}`));
      ex.child.stdin?.write('echo product-$((6*7))\r');
      await seen(ex, 'product-42', () => /^product-42\r?$/m.test(ex.out()));
      ex.child.stdin?.write('exit 4\r');
      assert.equal(await ex.exited, 4, ex.err());
    });
  }

  it('kubectl attach -i: input reaches a container created with stdin: true; its output comes back', async () => {
    for (const v of VERSIONS) {
      const at = start(v, ['attach', '-i', 'reader'], { stdin: true });
      // The session's stdin may join a moment after kubectl starts: typed until the answer shows.
      await waitFor(`got:${v} through attach`, async () => {
        if (at.child.exitCode !== null) throw new Error(`kubectl exited ${at.child.exitCode}: ${at.err()}`);
        if (at.out().includes(`got:line-${v}`)) return true;
        at.child.stdin?.write(`line-${v}\n`);
        return undefined;
      }, 30_000, 500).catch((err: Error) => assert.fail(`${err.message}; stdout ${JSON.stringify(at.out())}\n${out()}`));
      await at.stop();
    }
    // Without stdinOnce the container's stdin stays open after the sessions.
    assert.doesNotMatch((await k(['logs', 'reader'])).stdout, /eof/);
  });

  it('kubectl attach -i to a stdinOnce container: its stdin closes when the session ends', async () => {
    const r = start('1.33', ['attach', '-i', 'once'], { stdin: true });
    r.child.stdin?.end('only\n');
    await waitFor('got:only and eof in the log', async () => {
      const logs = (await k(['logs', 'once'])).stdout;
      return /got:only\neof/.test(logs) ? true : undefined;
    }, 30_000, 300).catch((err: Error) => assert.fail(`${err.message}; stdout ${JSON.stringify(r.out())}, stderr ${JSON.stringify(r.err())}\n${out()}`));
    await r.stop();
  });

  it('kubectl attach -i to a container without stdin is refused', async () => {
    const r = await kv('1.33', ['attach', '-i', 'box'], 'x\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /stdin/);
  });

  for (const v of VERSIONS) {
    it(`kubectl ${v} port-forward to busybox httpd in a cri pod`, async () => {
      const pf = start(v, ['port-forward', 'pod/web', ':8080']);
      let port = 0;
      await seen(pf, 'Forwarding from', () => {
        port = Number(/Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(pf.out())?.[1] ?? 0);
        return port > 0;
      });
      const res = await httpGet(port, '/');
      assert.equal(res.status, 200);
      assert.equal(res.body, 'hello-through-port-forward\n');
      await pf.stop();
    });
  }
});
