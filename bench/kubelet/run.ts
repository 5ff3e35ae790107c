/**
 * bench:kubelet — 100 pods created at once on one node (process runtime, one `sleep`
 * each); time from creation to Running as seen through a watch (p50/p99), and the
 * kubelet's resident memory with the 100 pods running. The kubelet runs in a child
 * process of its own (`skiff agent`) so its RSS is its own; the API server is another,
 * warmed up first as a serving cluster's is (warm-up.ts).
 * Writes bench/kubelet/REPORT.md; last line: `kubelet: startup p99 <ms> ms, rss <MB> MB`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, REPO_ROOT } from '../../test/e2e/support/index.js';
import { clientFromKubeconfig } from '../../src/client/index.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { NodeKind } from '../../src/api/core/v1/node.js';
import { StartTimeline } from './timeline.js';
import { warmUpApiServer } from './warm-up.js';
import { machineBusyMs, processCpuMs } from '../proc-cpu.js';

const PODS = Number(process.env.PODS ?? 100);
const CREATE_SOCKETS = 8;
const NODE = 'bench-node';
/** Pods the API server is warmed up with before the burst (warm-up.ts); 0: measure it cold. */
const WARM_UP = Number(process.env.BENCH_WARMUP ?? 1000);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * Median time to create an empty file in `dir` (50 files, left for the cleanup). On a
 * journal-less ext4 it is ~40 µs in a quiet block group, but ~1 ms where thousands of
 * files were deleted in the last few minutes (the inode allocator steps over each recently
 * freed inode): a run right after another in the same directory measures that.
 */
function fileCreationMicros(dir: string): number {
  const probe = join(dir, 'fs-probe');
  mkdirSync(probe);
  const took: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = process.hrtime.bigint();
    writeFileSync(join(probe, String(i)), '');
    took.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return Math.round(took.sort((a, b) => a - b)[25] ?? 0);
}

async function main(): Promise<void> {
  // BENCH_DATA_PARENT: where the data dir goes. As root the default is `/`: a directory made
  // there lands in a block group ext4 picks afresh, not one where earlier runs and test suites
  // just deleted thousands of files; otherwise the temp dir. What a file creation costs
  // there is measured and reported (fileCreationMicros).
  const dir = mkdtempSync(join(process.env.BENCH_DATA_PARENT || (process.getuid?.() === 0 ? '/' : tmpdir()), 'skiff-bench-kubelet-'));
  const createMicros = fileCreationMicros(dir);
  // The agent runs the compiled code, as `skiff agent` (bin/skiff.js) does: built from the
  // current sources first. BENCH_FROM_SOURCE=1 runs it through tsx instead (whose loader
  // thread and transpiled sources add ~35 MB of resident memory that a node does not have).
  const fromSource = process.env.BENCH_FROM_SOURCE === '1';
  // BENCH_SKIP_BUILD=1 measures dist/ as it is (for runs in a row on one build).
  if (!fromSource && process.env.BENCH_SKIP_BUILD !== '1') {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) process.stderr.write('warning: tsc -p tsconfig.build.json reported errors; measuring the code it emitted\n');
  }
  const server = await startTestServer({ compiled: !fromSource, nodeArgs: (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean) });
  const cli = fromSource ? ['--import', 'tsx', join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts')] : [join(REPO_ROOT, 'bin/skiff.js')];
  const agent = spawn(process.execPath, [...(process.env.AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean), ...cli, 'agent', '--kubeconfig', server.kubeconfigPath, '--data-dir', dir, '--node-name', NODE, '--node-ip', '127.0.0.1', '--port', '0', '--proxy-mode', 'none', '--disable-dns'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_TRACE: '1' } });
  // The kubelet's start steps per pod (batched TRACE lines); anything else it says goes through.
  const timeline = new StartTimeline();
  let partial = '';
  agent.stderr?.setEncoding('utf8').on('data', (d: string) => {
    const text = partial + d;
    const cut = text.lastIndexOf('\n') + 1;
    partial = text.slice(cut);
    process.stderr.write(timeline.feed(text.slice(0, cut)));
  });
  // A user's client sends a burst over a few kept-alive connections (kubectl: one HTTP/2
  // connection), not 100 fresh TLS handshakes; they are opened before the clock starts.
  const client = clientFromKubeconfig({ path: server.kubeconfigPath, maxSockets: CREATE_SOCKETS });
  const podClient = client.resource<Pod>(PodKind);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await client.resource(NodeKind).get(NODE).then(() => true, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('agent did not register');
      await new Promise((r) => setTimeout(r, 200));
    }
    const warmUpMs = WARM_UP > 0 ? await warmUpApiServer(podClient, WARM_UP, CREATE_SOCKETS) : 0;
    const created = new Map<string, number>();
    const running = new Map<string, number>();
    let allRunning!: () => void;
    const done = new Promise<void>((r) => (allRunning = r));
    const w = podClient.watch({ namespace: 'default' }, (ev) => {
      const p = ev.object;
      const n = p.metadata?.name ?? '';
      if (p.status?.phase === 'Running' && !running.has(n)) {
        running.set(n, Date.now());
        timeline.note(n, 'running', Date.now());
        if (running.size === PODS) allRunning();
      }
    }, () => {});
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all(Array.from({ length: CREATE_SOCKETS }, () => client.resource(NodeKind).get(NODE)));
    const loadBefore = loadavg();
    const cpuBefore = { all: machineBusyMs(), agent: processCpuMs(agent.pid!), server: processCpuMs(server.pid) };
    await Promise.all(Array.from({ length: PODS }, async (_, i) => {
      const name = `bench-${i}`;
      created.set(name, Date.now());
      timeline.note(name, 'create', Date.now());
      await podClient.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } as Pod);
    }));
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((_, rej) => (giveUp = setTimeout(() => rej(new Error(`only ${running.size}/${PODS} Running after 120 s`)), 120_000)))]);
    // Not left pending: it would keep the bench's process alive for two more minutes.
    clearTimeout(giveUp);
    w.close();
    const burstCpu = { all: machineBusyMs() - cpuBefore.all, agent: processCpuMs(agent.pid!) - cpuBefore.agent, server: processCpuMs(server.pid) - cpuBefore.server };
    const burstMs = Math.max(...running.values()) - Math.min(...created.values());
    const lat = [...running].map(([n, t]) => t - (created.get(n) ?? t)).sort((a, b) => a - b);
    await new Promise((r) => setTimeout(r, 2000));
    const status = readFileSync(`/proc/${agent.pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const rssMb = kb('VmRSS') / 1024;
    const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
    // Analysis written by hand below the table (## headings) survives a re-run.
    const previous = (() => {
      try {
        return readFileSync(join(REPO_ROOT, 'bench/kubelet/REPORT.md'), 'utf8');
      } catch {
        return '';
      }
    })();
    const notes = previous.includes('\n## ') ? previous.slice(previous.indexOf('\n## ') + 1) : '';
    const p50 = pct(lat, 50);
    const p99 = pct(lat, 99);
    const report = [
      '# bench:kubelet',
      '',
      `${PODS} pods created at once on one node (process runtime, each container \`sleep 3600\`), kubelet as a \`skiff agent\` process (${fromSource ? 'from source through tsx' : 'compiled, as bin/skiff.js runs it'}), API server as another (SQLite). ${cpus().length} CPUs, shared machine; measured ${new Date().toISOString()}, load average ${load(loadBefore)} before the burst, ${load(loadavg())} after.`,
      '',
      '| metric | value | goal |',
      '|---|---|---|',
      `| creation → Running (watch), p50 | ${p50} ms | |`,
      `| creation → Running (watch), p99 | ${p99} ms | < 1,000 ms (Kubernetes SLO 5 s) |`,
      `| creation → Running, max | ${lat.at(-1)} ms | |`,
      `| CPU used from the first create to the last Running (${burstMs} ms) | machine ${burstCpu.all} ms (of ${cpus().length * burstMs}); kubelet ${burstCpu.agent} ms; API server ${burstCpu.server} ms; everything else (the containers' setup processes, the load generator, other load on the machine) ${burstCpu.all - burstCpu.agent - burstCpu.server} ms | |`,
      `| API server warm-up before the burst (warm-up.ts) | ${WARM_UP > 0 ? `${WARM_UP} pods on another node created, status-patched and deleted (${warmUpMs} ms)` : 'none (BENCH_WARMUP=0): the server runs cold'} | |`,
      `| creating an empty file in the data dir (${dir.slice(0, dir.lastIndexOf('/') + 1) || '/'}), before the burst | ${createMicros} µs | |`,
      `| kubelet RSS with ${PODS} pods | ${rssMb.toFixed(1)} MB (anon ${(kb('RssAnon') / 1024).toFixed(1)}, file ${(kb('RssFile') / 1024).toFixed(1)}) | < 100 MB |`,
      '',
      'When the pods reached each step of their start, ms after the first create (the kubelet\'s SKIFF_TRACE lines):',
      '',
      ...timeline.table(),
      '',
      'Run: `npm run bench:kubelet` (PODS=N to change the count; BENCH_WARMUP=N warms the API server up with N pods first, default 1000, 0 for none; BENCH_DATA_PARENT=DIR puts the data dir there; BENCH_SKIP_BUILD=1 measures dist/ as built; BENCH_FROM_SOURCE=1 runs the agent through tsx; AGENT_NODE_ARGS / SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profile the kubelet / the API server).',
      '',
      ...(notes ? [notes] : []),
    ].join('\n');
    writeFileSync(join(REPO_ROOT, 'bench/kubelet/REPORT.md'), report);
    process.stdout.write(report);
    // Tear down: delete the pods (the kubelet stops their processes), then the agent.
    await podClient.deleteCollection({ namespace: 'default' }).catch(() => {});
    const end = Date.now() + 30_000;
    while ((await podClient.list({ namespace: 'default' })).items.length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
    process.stdout.write(`kubelet: startup p99 ${p99} ms, rss ${rssMb.toFixed(1)} MB\n`);
  } finally {
    if (agent.exitCode === null) {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`bench:kubelet failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
