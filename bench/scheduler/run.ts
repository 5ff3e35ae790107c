/**
 * scheduler_perf-like benchmark: each workload gets a fresh `skiff server` (own process),
 * simulated nodes, initial pods scheduled first, then the measured pods created (64 in
 * flight) and the scheduler started on them; throughput = measured pods / (last bind −
 * scheduler start, caches already synced); latency = attempt start → binding acknowledged.
 * Writes bench/scheduler/REPORT.md; last line: `scheduler: basic <N> pods/s, spread <N> pods/s`.
 * Env: BENCH_SCALE (default 1) scales every workload's sizes down (e.g. 0.2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import https from 'node:https';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startTestServer, REPO_ROOT } from '../../test/e2e/support/index.js';
import { clientFromKubeconfig, jsonLogger, SharedInformerFactory, silentLogger as quiet } from '../../src/client/index.js';
const silentLogger = process.env.BENCH_DEBUG ? jsonLogger('bench') : quiet;
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { startScheduler } from '../../src/scheduler/index.js';
import { mapLimit, startSim, type SimNodeTemplate } from '../../src/sim/index.js';
import { processCpuMs } from '../proc-cpu.js';

interface Workload {
  name: string;
  nodes: number;
  initPods: number;
  measuredPods: number;
  template: SimNodeTemplate;
  initSpec: (i: number) => Record<string, unknown>;
  measuredSpec: (i: number) => Record<string, unknown>;
  labels?: Record<string, string>;
  /** kube-scheduler's scheduler_perf CI floor (pods/s) for the comparable test. */
  kubeFloor: number;
}

// New client connections (TLS handshakes) from this process, counted for the report.
let connections = 0;
const createConnection = https.Agent.prototype.createConnection;
https.Agent.prototype.createConnection = function (this: https.Agent, ...args: unknown[]) {
  connections++;
  return (createConnection as (...a: unknown[]) => unknown).apply(this, args);
} as typeof createConnection;

const scale = Number(process.env.BENCH_SCALE ?? '1');
const n = (x: number): number => Math.max(1, Math.round(x * scale));
const small = { containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] };

const workloads: Workload[] = [
  { name: 'SchedulingBasic', nodes: n(5000), initPods: n(1000), measuredPods: n(10000), template: { capacity: { cpu: '4', memory: '32Gi', pods: '110' } }, initSpec: () => small, measuredSpec: () => small, kubeFloor: 270 },
  {
    name: 'SchedulingNodeAffinity',
    nodes: n(5000),
    initPods: n(1000),
    measuredPods: n(5000),
    template: { capacity: { cpu: '4', memory: '32Gi', pods: '110' }, zones: ['zone1', 'zone2'] },
    initSpec: () => small,
    measuredSpec: () => ({ ...small, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone1'] }] }] } } } }),
    kubeFloor: 220,
  },
  {
    name: 'TopologySpreading (required)',
    nodes: n(1000),
    initPods: n(1000),
    measuredPods: n(2000),
    template: { capacity: { cpu: '4', memory: '32Gi', pods: '110' }, zones: ['zone1', 'zone2', 'zone3', 'zone4', 'zone5'] },
    initSpec: () => small,
    measuredSpec: () => ({ ...small, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }] }),
    labels: { color: 'blue' },
    kubeFloor: 85,
  },
  {
    name: 'SchedulingPodAntiAffinity (required)',
    nodes: n(5000),
    initPods: n(1000),
    measuredPods: n(1000),
    template: { capacity: { cpu: '4', memory: '32Gi', pods: '110' } },
    initSpec: () => small,
    measuredSpec: () => ({ ...small, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname' }] } } }),
    labels: { color: 'green' },
    kubeFloor: 60,
  },
];

interface Result {
  name: string;
  nodes: number;
  initPods: number;
  measuredPods: number;
  podsPerSec: number;
  p50: number;
  p99: number;
  bound: number;
  seconds: number;
  kubeFloor: number;
  setupSeconds: number;
  /** This process's CPU (user + system) per measured pod, ms: scheduler, informers, HTTP client. */
  cpuMsPerPod: number;
  /** The API server process's CPU per measured pod, ms. */
  serverCpuMsPerPod: number;
  /** New connections this process opened during the measured phase. */
  connections: number;
  /** 1-minute load average at the start and end of the measured phase. */
  load: [number, number];
}

/** What changed and why, kept in the generated report (figures from the runs described). */
const HISTORY = readFileSync(join(REPO_ROOT, 'bench/scheduler/HISTORY.md'), 'utf8').trim();

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function run(w: Workload): Promise<Result> {
  const setup0 = Date.now();
  const server = await startTestServer({ readyTimeoutMs: 120_000 });
  // Interrupted (timeout, Ctrl-C): stop this run's server (by PID, via its handle) before exiting.
  const onSignal = (): void => void server.stop().finally(() => process.exit(130));
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const client = clientFromKubeconfig({ path: server.kubeconfigPath, requestTimeoutMs: 120_000 });
  try {
    const sim = await startSim({ client, nodes: w.nodes, template: w.template, podStages: [], nodeStages: [], leaseIntervalMs: 0, concurrency: 64, logger: silentLogger });
    await sim.stop();
    const step = (m: string): void => { process.stderr.write(`bench:   ${m} (${((Date.now() - setup0) / 1000).toFixed(1)} s)\n`); };
    step(`${w.nodes} nodes registered`);
    const pods = client.resource<Pod>(PodKind);
    const mk = (name: string, spec: Record<string, unknown>, labels?: Record<string, string>): Pod =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) }, spec }) as Pod;

    // Initial pods, scheduled by a first scheduler instance.
    await mapLimit(Array.from({ length: w.initPods }, (_, i) => i), 64, async (i) => { await pods.create(mk(`init-${i}`, w.initSpec(i))); });
    step(`${w.initPods} initial pods created`);
    let initBound = 0;
    const s1 = startScheduler({ client, logger: silentLogger, recordScheduledEvents: false, onBound: () => { initBound++; } });
    const d1 = Date.now() + 600_000;
    while (initBound < w.initPods && Date.now() < d1) await new Promise((r) => setTimeout(r, 50));
    await s1.stop();
    step(`${initBound} initial pods bound`);

    // Measured pods, created fast (64 in flight) while no scheduler runs.
    await mapLimit(Array.from({ length: w.measuredPods }, (_, i) => i), 64, async (i) => { await pods.create(mk(`m-${i}`, w.measuredSpec(i), w.labels)); });
    step(`${w.measuredPods} measured pods created`);
    const factory = new SharedInformerFactory({ client, logger: silentLogger });
    factory.informerFor(PodKind);
    factory.start();
    const setupSeconds = (Date.now() - setup0) / 1000;
    // Register every informer the scheduler uses, then wait for sync before the clock starts.
    const latencies: number[] = [];
    let last = 0;
    let t0 = 0;
    const s2Ready = (async () => {
      const s2 = startScheduler({
        client,
        informers: factory,
        logger: silentLogger,
        recordScheduledEvents: false,
        onBound: (p, _node, ms) => {
          if (p.metadata?.name?.startsWith('m-')) {
            latencies.push(ms);
            last = Date.now();
          }
        },
      });
      await factory.waitForSync();
      return s2;
    })();
    const s2 = await s2Ready;
    t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const conn0 = connections;
    const server0 = processCpuMs(server.pid);
    const loadStart = loadavg()[0] ?? 0;
    // BENCH_PROFILE=dir: CPU profile of this process during the measured phase only.
    const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const deadline = t0 + 900_000;
    while (latencies.length < w.measuredPods && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const cpu = process.cpuUsage(cpu0);
    const conns = connections - conn0;
    const serverMs = processCpuMs(server.pid) - server0;
    const loadEnd = loadavg()[0] ?? 0;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(join(process.env.BENCH_PROFILE as string, `${w.name.split(' ')[0]}.cpuprofile`), JSON.stringify(profile));
      profiler.disconnect();
    }
    await s2.stop();
    await factory.stop();
    const seconds = ((last || Date.now()) - t0) / 1000;
    latencies.sort((a, b) => a - b);
    return { name: w.name, nodes: w.nodes, initPods: w.initPods, measuredPods: w.measuredPods, podsPerSec: latencies.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), bound: latencies.length, seconds, kubeFloor: w.kubeFloor, setupSeconds, cpuMsPerPod: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length), serverCpuMsPerPod: serverMs / Math.max(1, latencies.length), connections: conns, load: [loadStart, loadEnd] };
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    client.close();
    await server.stop();
  }
}

const only = process.env.BENCH_ONLY;
// BENCH_REPEAT=n: n runs per workload (each on a fresh server); the report gives the median by throughput and every run.
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? '1'));
const results: Result[] = [];
const allRuns: Result[] = [];
const load0 = loadavg()[0] ?? 0;
const line = (r: Result): string =>
  `${r.podsPerSec.toFixed(0)} pods/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.bound}/${r.measuredPods} bound in ${r.seconds.toFixed(1)} s; setup ${r.setupSeconds.toFixed(0)} s); scheduler process ${r.cpuMsPerPod.toFixed(3)} ms CPU/pod (API server ${r.serverCpuMsPerPod.toFixed(3)}), ${r.connections} new connections; load ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}`;
for (const w of workloads) {
  if (only && !w.name.toLowerCase().includes(only.toLowerCase())) continue;
  const runs: Result[] = [];
  for (let i = 0; i < repeat; i++) {
    process.stderr.write(`bench: ${w.name} (${w.nodes} nodes, ${w.initPods} initial, ${w.measuredPods} measured)${repeat > 1 ? ` run ${i + 1}/${repeat}` : ''}…\n`);
    const r = await run(w);
    runs.push(r);
    process.stderr.write(`bench: ${w.name}: ${line(r)}\n`);
  }
  allRuns.push(...runs);
  results.push([...runs].sort((a, b) => a.podsPerSec - b.podsPerSec)[Math.floor((runs.length - 1) / 2)] as Result);
}
const load1 = loadavg()[0] ?? 0;

const rows = results.map((r) => `| ${r.name} | ${r.nodes} | ${r.initPods} | ${r.measuredPods} | **${r.podsPerSec.toFixed(0)}** | ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} ms | ${r.kubeFloor} | ${r.bound === r.measuredPods ? 'all bound' : `only ${r.bound} bound`} in ${r.seconds.toFixed(1)} s | ${r.cpuMsPerPod.toFixed(2)} / ${r.serverCpuMsPerPod.toFixed(2)} ms | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} |`);
const report = `# Scheduler benchmark (scheduler_perf-like, simulated nodes, real API server)

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.versions.node}${scale !== 1 ? `, BENCH_SCALE=${scale}` : ''}.
Load average (1 min) ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end (the machine is shared).${repeat > 1 ? `
Each workload ran ${repeat} times (a fresh server each time); the table shows the median run by throughput, every run is listed below it.` : ''}

Setup per workload: a fresh \`skiff server\` (SQLite, HTTPS on loopback) in its own process;
simulated nodes registered through the API (\`src/sim\`, no heartbeats, no pod lifecycle);
initial pods scheduled first; measured pods created with 64 requests in flight while no
scheduler runs; then the scheduler (this process, keep-alive HTTPS, no client QPS limit,
up to 256 bindings in flight, no "Scheduled" events) starts with synced caches and the clock
runs until the last measured pod's binding is acknowledged. CPU per pod is the CPU time
(user + system) of the scheduler's process and of the API server's process during the
measured phase, divided by the measured pods: steadier than wall time on a shared machine.

| Workload | Nodes | Initial pods | Measured pods | Throughput (pods/s) | Latency p50 / p99 (attempt start → bound) | kube-scheduler CI floor (pods/s) | | CPU/pod scheduler / API server | Load (1 min) during |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
${repeat > 1 ? `\nEvery run:\n\n${allRuns.map((r) => `- ${r.name}: ${line(r)}`).join('\n')}\n` : ''}
kube-scheduler reference (\`../shared/notes/anchors.md\`): scheduler_perf CI floors SchedulingBasic
(5,000 nodes) 270, node affinity 220, required topology spread 85, required anti-affinity 60
pods/s; measured peaks ≈ 550 pods/s. Its default client QPS of 50 caps real clusters near
20–50 pods/s. Goals here: basic ≥ 1,000 pods/s, required spread ≥ 300 pods/s.

${HISTORY}

Rerun: \`npm run bench:scheduler\` (\`BENCH_SCALE=0.2\` for a smaller run, \`BENCH_ONLY=basic\` for one workload, \`BENCH_REPEAT=3\` for medians of 3).
`;
writeFileSync(join(REPO_ROOT, 'bench/scheduler/REPORT.md'), report);
const basic = results.find((r) => r.name === 'SchedulingBasic');
const spread = results.find((r) => r.name.startsWith('TopologySpreading'));
console.log(`scheduler: basic ${basic ? basic.podsPerSec.toFixed(0) : 'n/a'} pods/s, spread ${spread ? spread.podsPerSec.toFixed(0) : 'n/a'} pods/s`);
