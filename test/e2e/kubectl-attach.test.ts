/**
 * e2e: `kubectl attach` through a real `skiff server` to a kubelet with the process runtime
 * (in this process), with the real kubectl: 1.32 (WebSocket v5.channel.k8s.io), its SPDY
 * fallback (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false) and 1.27 (SPDY/3.1 only). Output,
 * stdin (`-i`) that stays open across sessions, stdinOnce, and a TTY with resize (`-it`);
 * `exec -it` on a terminal that kubectl's own is resized after.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startKubectl, startTestServer, waitFor, type KubectlVersion, type RunningKubectl, type TestServer } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { memoryLogger } from '../../src/client/logger.js';
import type { Container } from '../../src/api/core/v1/container.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';
import { resizeCommandTerminal } from '../../src/kubelet/container-tty.js';

const NODE = 'attach-e2e-node';
// "tick N" every 100 ms, "warn N" on stderr every 5th, until the file $STOP exists.
const TICKER = 'i=0; until [ -e "$STOP" ]; do echo tick $i; [ $((i % 5)) = 0 ] && echo warn $i >&2; i=$((i + 1)); sleep 0.1; done';
// Echoes each line of stdin; says when stdin ends, then stays (so the pod can still be attached to).
const ECHO = 'echo ready; while read l; do echo got:$l; done; echo eof; exec sleep 600';
// On a TTY: prints the terminal size on every resize (the trapped WINCH interrupts read, hence the loop).
const TERMINAL = "trap 'stty size' WINCH; while :; do read l && echo got:$l; done";

/** A kubectl, and the transport the kubelet must see it use. */
type Client = { name: string; protocol: 'websocket' | 'spdy'; version?: KubectlVersion; env?: Record<string, string> };
const WEBSOCKET: Client = { name: 'kubectl 1.32 (WebSocket)', protocol: 'websocket' };
const SPDY_FALLBACK: Client = { name: 'kubectl 1.32 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false (SPDY)', protocol: 'spdy', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } };
const SPDY_127: Client = { name: 'kubectl 1.27 (SPDY)', protocol: 'spdy', version: '1.27' };
const skipFor = (c: Client) => kubectlMissing(c.version);
const versionOpts = (c: Client) => ({ ...(c.version ? { version: c.version } : {}), ...(c.env ? { env: c.env } : {}) });

describe('kubectl attach to process-runtime pods', { skip: kubectlMissing(), timeout: 300_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let dataDir: string;
  const running: RunningKubectl[] = [];
  const kubeletLog = memoryLogger();
  /** The kubelet's log lines for ended attach (or exec) sessions over `protocol`. */
  const sessions = (protocol: string, verb = 'attach') => kubeletLog.lines.filter((l) => l.msg === `${verb} ended` && l.fields.protocol === protocol);
  /** Waits for one more ended attach (or exec) session over the client's protocol than `before`. */
  const sessionEnded = (c: Client, before: number, verb = 'attach') => waitFor(`an ${verb} session over ${c.protocol} ended`, async () => sessions(c.protocol, verb)[before], 10_000);
  const pods = () => client.resource<Pod>(PodKind);
  const attach = (args: string[], c: Client, stdin = false): RunningKubectl => {
    const r = startKubectl(server.kubeconfigPath, ['attach', ...args], { ...versionOpts(c), stdin });
    running.push(r);
    return r;
  };
  const once = (args: string[], c: Client, stdin?: string) => kubectl(['attach', ...args], { kubeconfig: server.kubeconfigPath, timeoutMs: 60_000, ...versionOpts(c), ...(stdin !== undefined ? { stdin } : {}) });
  const logs = async (pod: string) => (await kubectl(['logs', pod], { kubeconfig: server.kubeconfigPath })).stdout;
  /** Waits until `done()`; fails at once if kubectl exits first, and tells what kubectl printed. */
  const seen = (r: RunningKubectl, what: string, done: () => boolean) =>
    waitFor(what, async () => {
      if (done()) return true;
      if (r.child.exitCode !== null) throw new Error(`kubectl exited ${r.child.exitCode}`);
      return undefined;
    }, 30_000).catch((err: Error) => Promise.reject(new Error(`${err.message}; kubectl stdout ${JSON.stringify(r.out().slice(-500))}, stderr ${JSON.stringify(r.err().slice(-500))}`)));
  const containerState = async (pod: string) => (await pods().get(pod, { namespace: 'default' })).status?.containerStatuses?.[0]?.state;

  const pod = (name: string, container: Partial<Container> & { command: string[] }, restartPolicy = 'Never'): Pod =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', ...container }] } }) as Pod;

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-attach-e2e-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir, logger: kubeletLog, nodeIP: '127.0.0.1', apiPort: 0 });
    const stop = (n: string) => [{ name: 'STOP', value: join(dataDir, `stop-${n}`) }];
    const all = [
      pod('ticker', { command: ['sh', '-c', TICKER], env: stop('ticker') }),
      pod('ticker-end', { command: ['sh', '-c', TICKER], env: stop('ticker-end') }),
      pod('echo', { command: ['sh', '-c', ECHO], stdin: true }),
      pod('once-ws', { command: ['sh', '-c', ECHO], stdin: true, stdinOnce: true }),
      pod('once-spdy', { command: ['sh', '-c', ECHO], stdin: true, stdinOnce: true }),
      pod('terminal', { command: ['sh', '-c', TERMINAL], stdin: true, tty: true }),
      pod('count-websocket', { command: ['wc', '-c'], stdin: true, stdinOnce: true }),
      pod('count-spdy', { command: ['wc', '-c'], stdin: true, stdinOnce: true }),
    ];
    for (const p of all) await pods().create(p);
    await waitFor('all pods running', async () => {
      for (const p of all) if (!(await containerState(p.metadata?.name ?? ''))?.running) return undefined;
      return true;
    });
  });

  after(async () => {
    await Promise.all(running.map((r) => r.stop().catch(() => null)));
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const c of [SPDY_127, SPDY_FALLBACK]) {
    it(`${c.name}: attach streams the output from then on, stdout and stderr apart`, { skip: skipFor(c) }, async () => {
      const logged = [...(await logs('ticker')).matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));
      const before = sessions(c.protocol).length;
      const at = attach(['pod/ticker'], c);
      await seen(at, 'five ticks and a warn through attach', () => (at.out().match(/^tick \d+$/gm)?.length ?? 0) >= 5 && /^warn \d+$/m.test(at.err()));
      const ticks = [...at.out().matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1]));
      assert.ok((ticks[0] as number) > (logged.at(-1) ?? -1), `first attached tick ${ticks[0]} after the logged ${logged.at(-1)}`);
      ticks.forEach((t, i) => assert.equal(t, (ticks[0] as number) + i));
      assert.doesNotMatch(at.out(), /warn/);
      assert.doesNotMatch(at.err(), /tick/);
      await at.stop();
      await sessionEnded(c, before);
    });
  }

  it(`${SPDY_127.name}: attach ends with exit 0 when the container ends, its last line included`, { skip: skipFor(SPDY_127) }, async () => {
    const at = attach(['pod/ticker-end'], SPDY_127);
    await seen(at, 'a tick through attach', () => /^tick \d+$/m.test(at.out()));
    writeFileSync(join(dataDir, 'stop-ticker-end'), '');
    const code = await Promise.race([at.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 20_000).unref())]);
    assert.equal(code, 0, at.err());
    const lastTick = (text: string) => text.match(/^tick \d+$/gm)?.at(-1);
    assert.ok(lastTick(at.out()));
    assert.equal(lastTick(at.out()), lastTick(await logs('ticker-end')));
  });

  // One container, one session after the other: its stdin stays open between them.
  for (const c of [WEBSOCKET, SPDY_127, SPDY_FALLBACK]) {
    it(`${c.name}: attach -i reaches the container's stdin, and the container's stdin outlives the session`, { skip: skipFor(c) }, async () => {
      const word = `hello-${c.version ?? (c.env ? 'fallback' : 'ws')}`;
      const before = sessions(c.protocol).length;
      const at = attach(['-i', 'pod/echo'], c, true);
      at.child.stdin?.write(`${word}\n`);
      await seen(at, `got:${word} back`, () => at.out().includes(`got:${word}\n`));
      // kubectl's input ends: without stdinOnce the container's stdin stays open.
      at.child.stdin?.end();
      await at.stop();
      assert.equal((await sessionEnded(c, before)).fields.stdin, true);
      assert.ok((await containerState('echo'))?.running, 'the container still runs');
      assert.match(await logs('echo'), new RegExp(`^got:${word}$`, 'm'));
      assert.doesNotMatch(await logs('echo'), /^eof$/m);
    });
  }

  it('attach -i to a container without stdin: true is refused with the reason', async () => {
    const r = await once(['-i', 'pod/ticker'], SPDY_127, 'x\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cannot attach to the stdin of container main in pod ticker: the process runtime starts containers with stdin from \/dev\/null unless they set stdin: true/);
  });

  const onceCases: Array<[string, Client]> = [
    ['once-ws', WEBSOCKET],
    ['once-spdy', SPDY_127],
  ];
  for (const [name, c] of onceCases) {
    it(`${c.name}: stdinOnce: the first attach -i session's end closes the container's stdin, for good`, { skip: skipFor(c) }, async () => {
      const at = attach(['-i', `pod/${name}`], c, true);
      at.child.stdin?.write('a\nb\n');
      await seen(at, 'both lines back', () => /^got:a\ngot:b$/m.test(at.out()));
      assert.doesNotMatch(await logs(name), /^eof$/m, 'stdin still open while the session lasts');
      at.child.stdin?.end();
      // The container reads EOF once kubectl's stdin ends.
      await seen(at, 'eof through attach', () => /^eof$/m.test(at.out()));
      await at.stop();
      const again = await once(['-i', `pod/${name}`], c, 'c\n');
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /its stdin was closed when the first attach session ended \(stdinOnce\)/);
      assert.doesNotMatch(await logs(name), /got:c/);
    });
  }

  for (const c of [WEBSOCKET, SPDY_127]) {
    it(`${c.name}: kubectl run -i (stdin, stdinOnce, attach) feeds the new pod and ends with it`, { skip: skipFor(c) }, async () => {
      const name = `run-${c.protocol}`;
      // No scheduler here: the pod names its node.
      const r = await kubectl(['run', name, '-i', '--restart=Never', '--image=busybox', `--overrides={"spec":{"nodeName":"${NODE}"}}`, '--command', '--', 'sh', '-c', 'while read l; do echo got:$l; done; echo eof'], { kubeconfig: server.kubeconfigPath, ...versionOpts(c), stdin: 'x\ny\n', timeoutMs: 90_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /got:x\ngot:y\neof\n$/);
      const spec = (await pods().get(name, { namespace: 'default' })).spec?.containers?.[0];
      assert.equal(spec?.stdinOnce, true);
    });
  }

  // Far more than a pipe holds (64 KiB): the client is paused while the container catches up.
  for (const c of [WEBSOCKET, SPDY_127]) {
    it(`${c.name}: attach -i carries 3 MB of stdin whole, then EOF (stdinOnce) ends the container and the session`, { skip: skipFor(c) }, async () => {
      const r = await once(['-i', `pod/count-${c.protocol}`], c, 'x'.repeat(3_000_000));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^3000000$/m);
    });
  }

  // Each its own size, so what the container prints answers this session's kubectl.
  const terminals: Array<[Client, { cols: number; rows: number }]> = [
    [WEBSOCKET, { cols: 77, rows: 22 }],
    [SPDY_127, { cols: 91, rows: 31 }],
  ];
  for (const [c, size] of terminals) {
    it(`${c.name}: attach -it runs on the container's terminal and resizes it`, { skip: skipFor(c) }, async () => {
      const before = sessions(c.protocol).length;
      const at = startKubectl(server.kubeconfigPath, ['attach', '-it', 'pod/terminal'], { ...versionOpts(c), stdin: true, terminal: size });
      running.push(at);
      // kubectl sends its terminal's size as soon as it is attached: the container sees SIGWINCH.
      await seen(at, `the size ${size.rows} ${size.cols} from the container`, () => new RegExp(`^${size.rows} ${size.cols}\r?$`, 'm').test(at.out()));
      at.child.stdin?.write(`typed-${size.cols}\r`);
      await seen(at, 'got:typed', () => new RegExp(`^got:typed-${size.cols}\r?$`, 'm').test(at.out()));
      await at.stop();
      assert.equal((await sessionEnded(c, before)).fields.tty, true);
      assert.ok((await containerState('terminal'))?.running, 'the container still runs');
    });
  }

  // kubectl's terminal starts at the first size and is resized to each next one while the shell runs.
  const execTerminals: Array<[Client, Array<{ cols: number; rows: number }>]> = [
    [WEBSOCKET, [{ cols: 83, rows: 27 }, { cols: 120, rows: 41 }, { cols: 62, rows: 19 }]],
    [SPDY_127, [{ cols: 97, rows: 33 }, { cols: 131, rows: 45 }, { cols: 58, rows: 17 }]],
  ];
  for (const [c, sizes] of execTerminals) {
    it(`${c.name}: exec -it runs a shell on a terminal of kubectl's size, and every resize of kubectl's terminal reaches it`, { skip: skipFor(c) }, async () => {
      const before = sessions(c.protocol, 'exec').length;
      const ex = startKubectl(server.kubeconfigPath, ['exec', '-it', 'pod/terminal', '--', 'sh'], { ...versionOpts(c), stdin: true, terminal: sizes[0] as { cols: number; rows: number } });
      running.push(ex);
      for (const [i, size] of sizes.entries()) {
        const pid = ex.child.pid as number;
        // kubectl (script's command) gets SIGWINCH and sends its new size.
        if (i > 0) assert.ok(await resizeCommandTerminal(pid, size.cols, size.rows), "resized kubectl's terminal");
        // Asks the shell until it reports this size: a resize takes a moment to arrive.
        const reported = new RegExp(`^${size.rows} ${size.cols}\r?$`, 'm');
        await waitFor(`the shell reporting ${size.rows} ${size.cols}`, async () => {
          if (ex.child.exitCode !== null) throw new Error(`kubectl exited ${ex.child.exitCode}`);
          if (reported.test(ex.out())) return true;
          ex.child.stdin?.write('stty size\r');
          return undefined;
        }, 20_000, 250).catch((err: Error) => Promise.reject(new Error(`${err.message}; kubectl stdout ${JSON.stringify(ex.out().slice(-400))}, stderr ${JSON.stringify(ex.err().slice(-400))}`)));
      }
      ex.child.stdin?.write('exit\r');
      assert.equal(await ex.exited, 0, ex.err());
      assert.equal((await sessionEnded(c, before, 'exec')).fields.tty, true);
    });
  }
});
