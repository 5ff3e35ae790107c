/**
 * Userspace proxy benchmark: 20,000 HTTP requests at 50 in flight (keep-alive, 50
 * connections) straight to a pod IP and through the Service's ClusterIP, in the same run,
 * same pod. A real `skiff server`, the EndpointSlice controller (this process), the proxy
 * and the pod (one child process each). Added latency = proxied − direct percentile.
 * As root with nft installed, the same for the nftables (kernel-mode) proxy, inside a network
 * namespace this run creates: pod at 198.18.1.1, proxy and load generator in the namespace
 * (kernel-child.ts), so this machine's own ruleset is never touched.
 * Writes bench/proxy/REPORT.md; its last line stays `proxy: userspace throughput ratio <R>, added p50 <ms> ms`,
 * the kernel figures one line above it. Service range 198.19.0.0/16 (bound at 127.19.x.y by the userspace proxy).
 * Statistics: after a warm-up, BENCH_PAIRS (default 5) pairs of runs, direct and proxied back to
 * back in alternating order; the figures are medians over pairs of each pair's own difference
 * (added p50/p99) and ratio, so one disturbed run moves them little. Every run is in the report.
 * Then, for the userspace proxy, the same pairs below saturation: requests at a fixed rate, 30 % of
 * the direct path's (BENCH_PACED_SHARE), so the added latency is the proxy's own hop and not queueing.
 * Env: BENCH_REQUESTS (default 20000), BENCH_CONCURRENCY (default 50), BENCH_PAIRS (default 5).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { ServiceKind, type Service } from '../../src/api/core/v1/service.js';
import { EndpointSliceKind, type EndpointSlice } from '../../src/api/discovery/v1/endpoint-slice.js';
import { silentLogger } from '../../src/client/logger.js';
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { startControllerManager } from '../../src/controllers/manager.js';
import { REPO_ROOT, startTestServer } from '../../test/e2e/support/index.js';
import { createTestHost, netnsUnavailable, type TestHost } from '../../test/e2e/support/netns.js';
import { compare, comparePaced, once } from './load.js';
import { littleNote, median, pairsTable, summarize, summaryLine, type Pair } from './stats.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
/** The userspace paths are also compared at this share of the direct path's capacity, open loop (load.ts paced); 0: not. */
const PACED_SHARE = Number(process.env.BENCH_PACED_SHARE ?? 0.3);
const PACED_SECONDS = 2;
const POD_IP = '127.0.77.1';
const SVC_PORT = 18080;

function child(script: string, args: string[], prefix: string[] = []): { proc: ChildProcess; ready: Promise<string> } {
  const argv = [...prefix, process.execPath, '--import', 'tsx', join(REPO_ROOT, 'bench/proxy', script), ...args];
  const proc = spawn(argv[0]!, argv.slice(1), { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
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

const waitUntil = async (what: string, fn: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const KERNEL_POD_IP = '198.18.1.1';
const KERNEL_POD_PORT = 8080;
const kernelSkip = netnsUnavailable() || (spawnSync('nft', ['--version']).status !== 0 ? 'nft is not installed' : false);
const host: TestHost | undefined = kernelSkip ? undefined : createTestHost(22);
const dir = mkdtempSync(join(tmpdir(), 'skiff-bench-proxy-'));
const inNs = (...args: string[]) => {
  const r = spawnSync(host!.exec[0]!, [...host!.exec.slice(1), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
};
const server = await startTestServer({ args: ['--service-cidr', '198.19.0.0/16', ...(host ? ['--bind-address', '0.0.0.0', '--tls-san', host.hostIp] : [])] });
const client = clientFromKubeconfig({ path: server.kubeconfigPath, qps: 1000, burst: 1000 });
const manager = await startControllerManager({ client, log: silentLogger, controllers: ['endpointslice'] });
const backend = child('backend-child.ts', [POD_IP, '0']);
const proxyChild = child('proxy-child.ts', [server.kubeconfigPath]);
const kids = [proxyChild.proc, backend.proc];
/** The proxy child's CPU time so far, µs. */
function proxyCpu(): Promise<{ user: number; sys: number }> {
  return new Promise((resolve) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /cpu (\d+) (\d+)\n/.exec(out);
      if (!m) return;
      proxyChild.proc.stdout?.off('data', onData);
      resolve({ user: Number(m[1]), sys: Number(m[2]) });
    };
    proxyChild.proc.stdout?.on('data', onData);
    proxyChild.proc.stdin?.write('cpu\n');
  });
}
const f = (x: number) => x.toFixed(2);
const loadAvg = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loadAtStart = loadAvg();

/** The kernel-mode column: pod, proxy and load generator inside the namespace; the Service's slice written directly. */
async function kernelRun(h: TestHost): Promise<{ clusterIP: string; pairs: Pair[] }> {
  inNs('ip', 'addr', 'add', `${KERNEL_POD_IP}/32`, 'dev', 'lo');
  // The route a node's default route would give; via lo it is a dead end should the rules be missing.
  inNs('ip', 'route', 'add', '198.19.0.0/16', 'dev', 'lo');
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, readFileSync(server.kubeconfigPath, 'utf8').replaceAll(`https://127.0.0.1:${server.port}`, `https://${h.hostIp}:${server.port}`));
  const pod = child('backend-child.ts', [KERNEL_POD_IP, String(KERNEL_POD_PORT)], h.exec);
  const proxy = child('kernel-child.ts', [kubeconfig], h.exec);
  kids.push(pod.proc, proxy.proc);
  await pod.ready;
  await proxy.ready;
  const svc = await client.resource<Service>(ServiceKind).create({ metadata: { name: 'bench-kernel' }, spec: { ports: [{ port: SVC_PORT, protocol: 'TCP' }] } }, { namespace: 'default' });
  await client.resource<EndpointSlice>(EndpointSliceKind).create(
    { metadata: { name: 'bench-kernel-1', labels: { 'kubernetes.io/service-name': 'bench-kernel' } }, addressType: 'IPv4', ports: [{ name: '', port: KERNEL_POD_PORT, protocol: 'TCP' }], endpoints: [{ addresses: [KERNEL_POD_IP] }] },
    { namespace: 'default' },
  );
  const clusterIP = svc.spec!.clusterIP!;
  const result = new Promise<string>((resolve, reject) => {
    let out = '';
    proxy.proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('['));
      if (line) resolve(line);
    });
    proxy.proc.once('exit', (code) => reject(new Error(`kernel-child.ts exited (${code})`)));
    // Bounded even should the child hang: far above what the runs take on a loaded machine (< 1,000 req/s).
    setTimeout(() => reject(new Error('kernel-mode runs did not finish')), (((2 * PAIRS + 1) * REQUESTS) / 1000) * 1000 + 60_000).unref();
  });
  proxy.proc.stdin?.write(`go ${KERNEL_POD_IP} ${KERNEL_POD_PORT} ${clusterIP} ${SVC_PORT} ${REQUESTS} ${CONCURRENCY} ${PAIRS}\n`);
  const pairs = JSON.parse(await result) as Pair[];
  // Closing stdin deletes the table; wait for that before the namespace goes.
  const exited = new Promise((res) => proxy.proc.once('exit', res));
  proxy.proc.stdin?.end();
  await exited;
  return { clusterIP, pairs };
}

try {
  const podPort = Number(await backend.ready);
  await proxyChild.ready;
  const pods = client.resource<Pod>(PodKind);
  await pods.create({ metadata: { name: 'pod-0', labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'bench' }] } }, { namespace: 'default' });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await pods.subresource('status').patch('pod-0', { status: { phase: 'Running', podIP: POD_IP, podIPs: [{ ip: POD_IP }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, 'merge', { namespace: 'default' });
  const svc = await client.resource<Service>(ServiceKind).create({ metadata: { name: 'bench' }, spec: { selector: { app: 'bench' }, ports: [{ port: SVC_PORT, targetPort: podPort }] } }, { namespace: 'default' });
  const clusterIP = svc.spec!.clusterIP!;
  const bind = clusterIP.startsWith('198.19.') ? `127.19.${clusterIP.slice(7)}` : clusterIP;
  await waitUntil('endpoint slice', async () => (await client.resource<EndpointSlice>(EndpointSliceKind).list({ namespace: 'default' })).items.some((s) => (s.endpoints ?? []).length > 0));
  await waitUntil('ClusterIP answers', async () => (await once(new Agent(), bind, SVC_PORT)) >= 0);

  const cpu0 = await proxyCpu();
  const user = await compare({ host: POD_IP, port: podPort }, { host: bind, port: SVC_PORT }, REQUESTS, CONCURRENCY, PAIRS);
  const cpu1 = await proxyCpu();
  // Warm-up included: every request that went through the proxy in compare().
  const proxiedRequests = 2000 + PAIRS * REQUESTS;
  const perReq = (k: 'user' | 'sys') => (cpu1[k] - cpu0[k]) / proxiedRequests;
  const us = summarize(user);
  const pacedRate = Math.round((PACED_SHARE * median(user.map((p) => p.direct.rps))) / 100) * 100;
  const pacedPairs = pacedRate > 0 ? await comparePaced({ host: POD_IP, port: podPort }, { host: bind, port: SVC_PORT }, pacedRate * PACED_SECONDS, pacedRate, PAIRS) : [];
  const ps = pacedPairs.length ? summarize(pacedPairs) : undefined;
  const pacedPart = ps
    ? [
        `## Userspace below saturation: ${pacedRate} requests/s (${Math.round(PACED_SHARE * 100)} % of the direct path's rate above), open loop`,
        '',
        `${pacedRate * PACED_SECONDS} GETs per run, each sent on a fixed schedule whatever the earlier ones did (up to 50 connections);`,
        'latency counts from the scheduled time. With the cores not saturated, no request waits behind',
        'the others, and the difference is what the proxy\'s hop itself adds. Pairs as above.',
        '',
        ...pairsTable(pacedPairs),
        '',
        summaryLine(`Userspace at ${pacedRate} requests/s`, ps),
        '',
      ]
    : [];
  const kernel = host ? await kernelRun(host) : undefined;
  const ks = kernel && summarize(kernel.pairs);
  const kernelPart =
    kernel && ks
      ? [
          `## Kernel mode (nftables DNAT): direct to pod ${KERNEL_POD_IP} vs ClusterIP ${kernel.clusterIP}, in a network namespace`,
          '',
          ...pairsTable(kernel.pairs),
          '',
          summaryLine('Kernel mode', ks),
          '',
        ]
      : [`Kernel mode not measured: ${kernelSkip || 'unavailable'}.`, ''];
  const report = [
    '# Service proxy benchmark',
    '',
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average (1, 5, 15 min) ${loadAtStart} at the start, ${loadAvg()} at the end.`,
    '',
    `${REQUESTS} HTTP GETs per run at ${CONCURRENCY} in flight over ${CONCURRENCY} keep-alive connections; one pod (a Node.js`,
    'HTTP server in its own process); the proxy in its own process; load generator, API server and',
    'EndpointSlice controller also on this machine. After a warm-up of both paths (2000 requests each),',
    `${PAIRS} pairs of runs: a direct and a proxied run back to back, which goes first alternating from pair`,
    'to pair. Each pair gives its own ratio (proxied / direct req/s) and added latency (proxied − direct',
    'p50 and p99); the figures are the medians of those over the pairs. Every run is listed.',
    'Kernel mode (root only): pod, nftables proxy and load generator inside a network namespace the',
    'run creates (the pod on an address of its lo), so only that namespace gets rules.',
    '',
    `## Userspace: direct to pod ${POD_IP} vs ClusterIP ${clusterIP} (bound at ${bind})`,
    '',
    ...pairsTable(user),
    '',
    summaryLine('Userspace', us),
    '',
    littleNote(user, us, 0.3),
    '',
    `Userspace proxy process CPU per proxied request: ${(perReq('user') + perReq('sys')).toFixed(1)} µs (user ${perReq('user').toFixed(1)}, system ${perReq('sys').toFixed(1)}),`,
    'the figure least disturbed by other load on the machine (bench/proxy/datapath.ts measures the listener alone).',
    '',
    ...pacedPart,
    ...kernelPart,
    'The userspace proxy copies every byte through Node.js (two sockets per connection, a read and a',
    'write system call per chunk and direction), so on a 2-core machine it competes for CPU with the',
    'client and the pod; in kernel mode a connection is DNATed once by nftables and its packets follow',
    'conntrack, with no user-space hop.',
    '',
    ...(ks ? [`proxy: kernel (nftables) throughput ratio ${f(ks.ratio)}, added p50 ${f(ks.addedP50)} ms`] : []),
    `proxy: userspace throughput ratio ${f(us.ratio)}, added p50 ${f(us.addedP50)} ms`,
    '',
  ].join('\n');
  writeFileSync(join(REPO_ROOT, 'bench/proxy/REPORT.md'), report);
  process.stdout.write(report);
} finally {
  for (const c of kids) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGTERM');
  await manager.stop().catch(() => {});
  client.close();
  await server.stop();
  host?.destroy();
  rmSync(dir, { recursive: true, force: true });
}
