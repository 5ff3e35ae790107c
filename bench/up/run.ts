/**
 * `skiff up` benchmark (the CLI issue's figures): on an empty data dir,
 *   ready      — spawn → the local node's Ready condition True (API polled every 25 ms)
 *   first pod  — spawn → one pod (`sleep 3600`, created as soon as the API answers) Running
 *   idle rss   — VmRSS of the skiff up process ≥ 10 s after that pod runs, once RSS is
 *                stable (pods are separate host processes and not counted)
 * Each run uses a fresh data dir and HOME, stops skiff up with SIGTERM (must exit 0; its
 * pods outlive it by design, as with k3s), runs `skiff killall` and checks that no pod
 * process is left (the bench kills, by PID, any it can prove are this run's). BENCH_RUNS (default 3) runs; medians and max.
 *
 * Runs what a user runs: `bin/skiff.js` over `dist/` (rebuilt with `npm run build` when a
 * source file is newer than its output). BENCH_SOURCE=1 runs src/ through tsx instead
 * (includes tsx's transpile time, which is not skiff's). BENCH_CPU_PROF=<dir> adds
 * `--cpu-prof` to the first run and keeps the profile there. BENCH_SKIFF=<path/bin/skiff.js>
 * runs another build (A/B against an older commit's worktree); BENCH_NODE_FLAGS adds node
 * flags to skiff up (e.g. V8 heap experiments), BENCH_UP_FLAGS extra `skiff up` flags.
 * Prints one JSON line, then `up: ready <s> s, first pod <s> s, idle rss <MB> MB`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../test/e2e/support/index.js';
import { runOnce, type RunResult } from './one-run.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SOURCE = process.env.BENCH_SOURCE === '1';
const CPU_PROF = process.env.BENCH_CPU_PROF;
/** Extra node flags for skiff up (experiments, e.g. V8 heap flags). */
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
/** Extra `skiff up` flags (experiments, e.g. `--disable controller-manager`). */
const UP_FLAGS = (process.env.BENCH_UP_FLAGS ?? '').split(/\s+/).filter(Boolean);
/** Another build's bin/skiff.js (e.g. a git worktree of an older commit), for A/B runs. */
const SKIFF = process.env.BENCH_SKIFF;

/** Source files whose compiled output is missing or older (tsconfig.build.json's excludes). */
function staleOutputs(): string[] {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !/\.d\.ts$|\.test\.ts$|^test-|^test-support\.ts$|-harness\.ts$|^testing\.ts$/.test(e.name)) {
        const out = join(REPO_ROOT, 'dist', relative(join(REPO_ROOT, 'src'), p)).replace(/\.ts$/, '.js');
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(p).mtimeMs) stale.push(relative(REPO_ROOT, p));
      }
    }
  };
  walk(join(REPO_ROOT, 'src'));
  return stale;
}

function ensureBuilt(): void {
  if (staleOutputs().length === 0) return;
  process.stderr.write('bench:up: dist/ is stale, running npm run build\n');
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const still = staleOutputs();
  // tsc emits despite type errors in files being edited by others; what matters is fresh output.
  if (still.length > 0) throw new Error(`npm run build (exit ${b.status}) left stale outputs: ${still.slice(0, 5).join(', ')}`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const stat = (xs: number[], digits: number): { median: number; max: number; all: number[] } => {
  const r = (x: number): number => Number(x.toFixed(digits));
  return { median: r(median(xs)), max: r(Math.max(...xs)), all: xs.map(r) };
};

async function main(): Promise<void> {
  if (!SOURCE && !SKIFF) ensureBuilt();
  const entry = SOURCE ? ['--import', 'tsx', join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts')] : [SKIFF ?? join(REPO_ROOT, 'bin/skiff.js')];
  // Pods on loopback addresses (no network namespaces or bridge) where the flag exists.
  const help = spawnSync(process.execPath, [...entry, 'up', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout;
  const upFlags = [...(help.includes('--pod-network') ? ['--pod-network', 'loopback'] : []), ...UP_FLAGS];
  const runs: RunResult[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  for (let i = 0; i < RUNS; i++) {
    const prof = { nodeFlags: [...NODE_FLAGS, ...(CPU_PROF && i === 0 ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [])] };
    const r = await runOnce({ entry, cwd: REPO_ROOT, pollMs: 25, settleMinMs: 10_000, settleMaxMs: 60_000, upFlags, ...prof });
    process.stderr.write(
      `run ${i + 1}/${RUNS}: ready ${(r.readyMs / 1000).toFixed(2)} s (cpu ${r.cpuAtReadyS.toFixed(2)} s), first pod ${(r.firstPodMs / 1000).toFixed(2)} s, idle rss ${r.idleRssMB.toFixed(1)} MB` +
        ` (anon ${r.idleRssAnonMB.toFixed(1)}, file ${r.idleRssFileMB.toFixed(1)}, peak ${r.peakRssMB.toFixed(1)}${r.rssSettled ? '' : ', NOT settled'}), load ${r.loadavg1m.toFixed(2)}\n`,
    );
    runs.push(r);
    if (r.exitCode !== 0) throw new Error(`run ${i + 1}: skiff up exited ${r.exitCode} on SIGTERM`);
    if (r.podProcessesLeft > 0) throw new Error(`run ${i + 1}: ${r.podProcessesLeft} pod process(es) outlived skiff killall (killed)`);
  }
  const readyS = stat(runs.map((r) => r.readyMs / 1000), 2);
  const podS = stat(runs.map((r) => r.firstPodMs / 1000), 2);
  const rss = stat(runs.map((r) => r.idleRssMB), 1);
  const result = {
    runner: SOURCE ? 'tsx (source)' : SKIFF ?? 'dist (bin/skiff.js)',
    runs: RUNS,
    readyS,
    firstPodS: podS,
    idleRssMB: rss,
    idleRssAnonMB: stat(runs.map((r) => r.idleRssAnonMB), 1),
    idleRssFileMB: stat(runs.map((r) => r.idleRssFileMB), 1),
    peakRssMB: stat(runs.map((r) => r.peakRssMB), 1),
    apiAnswersS: stat(runs.map((r) => r.apiMs / 1000), 2),
    cpuAtReadyS: stat(runs.map((r) => r.cpuAtReadyS), 2),
    readyLineS: stat(runs.map((r) => r.readyLineMs / 1000), 2),
    rssSettled: runs.map((r) => r.rssSettled),
    idleCpuPercent: stat(runs.map((r) => r.idleCpuPercent), 1),
    // Another cluster on this machine may hold 127.43.0.10:53; skiff up then runs without DNS.
    clusterDnsStarted: runs.map((r) => !r.progress.some((p) => p.line.startsWith('cluster DNS not started'))),
    progressFirstRun: runs[0]?.progress.map((p) => `${(p.ms / 1000).toFixed(2)}s ${p.line}`),
    sigtermExitCodes: runs.map((r) => r.exitCode),
    podProcessesSeen: runs.map((r) => r.podProcessesSeen),
    podProcessesAfterSigterm: runs.map((r) => r.podProcessesAfterSigterm),
    podProcessesLeft: runs.map((r) => r.podProcessesLeft),
    goal: { readyS: 3, firstPodS: 5, idleRssMB: 150 },
    met: { ready: readyS.median < 3, firstPod: podS.median < 5, idleRss: rss.median < 150 },
    cpus: cpus().length,
    memGB: Number((totalmem() / 2 ** 30).toFixed(1)),
    loadavg1m: { before: Number(loadBefore.toFixed(2)), perRun: runs.map((r) => Number(r.loadavg1m.toFixed(2))) },
    node: process.version,
    nodeFlags: NODE_FLAGS,
    upFlags,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(`up: ready ${median(runs.map((r) => r.readyMs / 1000)).toFixed(1)} s, first pod ${median(runs.map((r) => r.firstPodMs / 1000)).toFixed(1)} s, idle rss ${Math.round(median(runs.map((r) => r.idleRssMB)))} MB\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:up: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
