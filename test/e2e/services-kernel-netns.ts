/**
 * The inside half of services-kernel.test.ts, run in the test's network namespace with
 * `ip netns exec NS node --import tsx services-kernel-netns.ts KUBECONFIG BACKEND_IP...`.
 * It starts one HTTP (TCP 8080) and one UDP (5353) "pod" per backend address, each
 * answering with its name (web-0, web-1, …), and the kernel proxy against the test's API
 * server; then it answers JSON commands, one per stdin line, with one JSON line on stdout,
 * so that every probe is sent from inside the namespace (through its nat output hook).
 * Logs go to stderr. A closed stdin stops everything (the table included).
 */
import { createSocket } from 'node:dgram';
import { createServer, request, Agent, type Server } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { jsonLogger } from '../../src/client/logger.js';
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { startKernelProxy } from '../../src/proxy/nftables/kernel-proxy.js';

const [kubeconfig, ...backendIps] = process.argv.slice(2);
if (!kubeconfig || backendIps.length === 0) throw new Error('usage: services-kernel-netns.ts KUBECONFIG BACKEND_IP...');

type Command =
  | { op: 'tally'; host: string; port: number; n: number; concurrency?: number }
  | { op: 'udp'; host: string; port: number; n: number }
  | { op: 'connect'; host: string; port: number }
  | { op: 'session'; host: string; port: number }
  | { op: 'stop' };

const closers: Array<() => Promise<void>> = [];

async function startBackends(): Promise<void> {
  for (const [i, ip] of backendIps.entries()) {
    const name = `web-${i}`;
    const http: Server = createServer((_req, res) => res.end(name));
    await new Promise<void>((resolve, reject) => http.once('error', reject).listen(8080, ip, () => resolve()));
    closers.push(() => new Promise((r) => http.close(() => r())));
    http.keepAliveTimeout = 60_000;
    const udp = createSocket('udp4');
    udp.on('message', (_msg, from) => udp.send(name, from.port, from.address));
    await new Promise<void>((resolve, reject) => udp.once('error', reject).bind(5353, ip, () => resolve()));
    closers.push(() => new Promise((r) => udp.close(() => r())));
  }
}

/** One request; with `agent` the connection may be reused, otherwise a fresh one (the kernel balances connections). */
function get(host: string, port: number, agent: Agent | false = false): Promise<{ body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ body, reused: req.reusedSocket }));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

async function tally(host: string, port: number, n: number, concurrency: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let left = n;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const { body } = await get(host, port);
        counts[body] = (counts[body] ?? 0) + 1;
      }
    }),
  );
  return counts;
}

/** Each datagram from a new socket (a new conntrack flow), so each one is balanced afresh. */
async function udpTally(host: string, port: number, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const s = createSocket('udp4');
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('udp timeout')), 2000);
        s.once('message', (m) => (clearTimeout(t), resolve(m.toString())));
        s.once('error', (e) => (clearTimeout(t), reject(e)));
        s.send('who', port, host);
      });
      counts[answer] = (counts[answer] ?? 0) + 1;
    } finally {
      s.close();
    }
  }
  return counts;
}

/** 'open', or the error code (ECONNREFUSED for a reject), or 'timeout'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2000 });
    s.once('connect', () => (s.destroy(), resolve('open')));
    s.once('timeout', () => (s.destroy(), resolve('timeout')));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });
}

// One long-lived connection (maxSockets 1), to watch a terminating endpoint drain.
const session = new Agent({ keepAlive: true, maxSockets: 1 });

async function main(): Promise<void> {
  await startBackends();
  const client = clientFromKubeconfig({ path: kubeconfig, qps: 1000, burst: 1000 });
  const proxy = await startKernelProxy({ client, log: jsonLogger('proxy'), syncDelayMs: 20 });
  await proxy.ready();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await proxy.stop();
    session.destroy();
    client.close();
    for (const c of closers) await c();
  };
  const handle = async (c: Command): Promise<unknown> => {
    switch (c.op) {
      case 'tally':
        return tally(c.host, c.port, c.n, c.concurrency ?? 10);
      case 'udp':
        return udpTally(c.host, c.port, c.n);
      case 'connect':
        return tryConnect(c.host, c.port);
      case 'session':
        return get(c.host, c.port, session);
      case 'stop':
        await stop();
        return 'stopped';
    }
  };
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const c = JSON.parse(line) as Command;
    const reply = await handle(c).then(
      (result) => ({ result }),
      (err: unknown) => ({ error: String(err) }),
    );
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  }
  await stop();
}

main().catch((err: unknown) => {
  process.stderr.write(`services-kernel-netns: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
