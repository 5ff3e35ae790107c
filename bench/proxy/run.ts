/**
 * Userspace proxy benchmark: 20,000 HTTP requests at 50 in flight (keep-alive, 50
 * connections) straight to a pod IP and through the Service's ClusterIP, in the same run,
 * same pod. A real `skiff server`, the EndpointSlice controller (this process), the proxy
 * and the pod (one child process each). Added latency = proxied − direct percentile.
 * Writes bench/proxy/REPORT.md; last line: `proxy: userspace throughput ratio <R>, added p50 <ms> ms`.
 * Env: BENCH_REQUESTS (default 20000), BENCH_CONCURRENCY (default 50).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { EndpointSliceKind, type EndpointSlice } from '../../src/api/discovery/v1/endpoint-slice.js';
import { silentLogger } from '../../src/client/logger.js';
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { startControllerManager } from '../../src/controllers/manager.js';
import { REPO_ROOT, startTestServer } from '../../test/e2e/support/index.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const POD_IP = '127.0.77.1';
const SVC_PORT = 18080;

function child(script: string, args: string[]): { proc: ChildProcess; ready: Promise<string> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench/proxy', script), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready ?(\S*)\n/.exec(out);
      if (m) resolve(m[1] ?? '');
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  return { proc, ready };
}

function once(agent: Agent, host: string, port: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

async function load(host: string, port: number, n: number): Promise<{ rps: number; p50: number; p90: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const lat: number[] = [];
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) lat.push(await once(agent, host, port));
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  return { rps: n / secs, p50: pct(50), p90: pct(90), p99: pct(99) };
}

const waitUntil = async (what: string, fn: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const server = await startTestServer();
const client = clientFromKubeconfig({ path: server.kubeconfigPath, qps: 1000, burst: 1000 });
const manager = await startControllerManager({ client, log: silentLogger, controllers: ['endpointslice'] });
const backend = child('backend-child.ts', [POD_IP, '0']);
const proxyChild = child('proxy-child.ts', [server.kubeconfigPath]);
try {
  const podPort = Number(await backend.ready);
  await proxyChild.ready;
  const pods = client.resource<Pod>(PodKind);
  await pods.create({ metadata: { name: 'pod-0', labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'bench' }] } }, { namespace: 'default' });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await pods.subresource('status').patch('pod-0', { status: { phase: 'Running', podIP: POD_IP, podIPs: [{ ip: POD_IP }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, 'merge', { namespace: 'default' });
  const svc = await client.resource<Service>(ServiceKind).create({ metadata: { name: 'bench' }, spec: { selector: { app: 'bench' }, ports: [{ port: SVC_PORT, targetPort: podPort }] } }, { namespace: 'default' });
  const clusterIP = svc.spec!.clusterIP!;
  const bind = clusterIP.startsWith('10.43.') ? `127.43.${clusterIP.slice(6)}` : clusterIP;
  await waitUntil('endpoint slice', async () => (await client.resource<EndpointSlice>(EndpointSliceKind).list({ namespace: 'default' })).items.some((s) => (s.endpoints ?? []).length > 0));
  await waitUntil('ClusterIP answers', async () => (await once(new Agent(), bind, SVC_PORT)) >= 0);

  // Warm up both paths (JIT, connection pools), then measure direct and proxied twice, interleaved.
  await load(POD_IP, podPort, 2000);
  await load(bind, SVC_PORT, 2000);
  const direct = [await load(POD_IP, podPort, REQUESTS)];
  const proxied = [await load(bind, SVC_PORT, REQUESTS)];
  direct.push(await load(POD_IP, podPort, REQUESTS));
  proxied.push(await load(bind, SVC_PORT, REQUESTS));
  const best = (rs: typeof direct) => rs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const d = best(direct);
  const p = best(proxied);
  const ratio = p.rps / d.rps;
  const f = (x: number) => x.toFixed(2);
  const row = (name: string, r: typeof d) => `| ${name} | ${Math.round(r.rps)} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} |`;
  const report = [
    '# Userspace service proxy benchmark',
    '',
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end.`,
    '',
    `${REQUESTS} HTTP GETs per run at ${CONCURRENCY} in flight over ${CONCURRENCY} keep-alive connections; one pod (a Node.js`,
    'HTTP server in its own process); the proxy in its own process; load generator, API server and',
    'EndpointSlice controller also on this machine. Two runs each, interleaved; the better run is shown.',
    '',
    '| path | req/s | p50 ms | p90 ms | p99 ms |',
    '|---|---|---|---|---|',
    row(`direct to pod ${POD_IP}`, d),
    row(`through ClusterIP ${clusterIP} (bound at ${bind})`, p),
    '',
    `Added latency: p50 ${f(p.p50 - d.p50)} ms, p99 ${f(p.p99 - d.p99)} ms. Throughput ratio (proxied / direct): ${f(ratio)}.`,
    '',
    'All runs (req/s): direct ' + direct.map((r) => Math.round(r.rps)).join(', ') + '; proxied ' + proxied.map((r) => Math.round(r.rps)).join(', ') + '.',
    '',
    'The userspace proxy copies every byte through Node.js streams (two sockets per connection),',
    'so on a 2-core machine it competes for CPU with the client and the pod; kernel-mode',
    '(nftables/iptables DNAT) proxying would add no user-space hop.',
    '',
    `proxy: userspace throughput ratio ${f(ratio)}, added p50 ${f(p.p50 - d.p50)} ms`,
    '',
  ].join('\n');
  writeFileSync(join(REPO_ROOT, 'bench/proxy/REPORT.md'), report);
  process.stdout.write(report);
} finally {
  for (const c of [proxyChild.proc, backend.proc]) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGTERM');
  await manager.stop().catch(() => {});
  client.close();
  await server.stop();
}
