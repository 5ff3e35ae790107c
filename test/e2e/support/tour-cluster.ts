/**
 * Starts what the README's `npm start` runs (package.json's `start` script) the way a
 * test may: the script's own `skiff up` arguments, but a temp data dir, a free loopback
 * port and the test's own CIDRs instead of the machine-wide defaults. The CLI is loaded
 * from source through tsx (skiff-cli.ts), as the other e2e suites do, so the test runs
 * the current code with or without a build.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize } from './readme-tour.js';
import { REPO_ROOT } from './test-server.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');

/** Flags the test always sets itself (whatever the start script says). */
const OVERRIDDEN = ['--data-dir', '--port', '--bind-address', '--cluster-cidr', '--service-cidr', '--cluster-dns'];
/**
 * Machine-wide things a second cluster on the machine would fight over, set when
 * `skiff up` has the flag: fixed ports become free ones, DNS never asks outside.
 */
const IF_PRESENT: Record<string, string> = {
  '--kubelet-port': '0',
  '--dns-upstream': 'none',
  '--cluster-dns-upstream': 'none',
  '--upstream-dns': 'none',
};

/** The long flags `skiff up --help` lists. */
export async function upFlags(): Promise<Set<string>> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'up', '--help'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  if (code !== 0) throw new Error(`skiff up --help exited ${code}:\n${out}`);
  return new Set([...out.matchAll(/^\s+(?:-\w, )?(--[a-z0-9-]+)/gm)].map((m) => m[1] as string));
}

export interface StartScript {
  /** The script as package.json has it. */
  script: string;
  /** `--data-dir` as the script gives it (relative to the repo). */
  dataDir: string;
  /** The `skiff` arguments without OVERRIDDEN flags (e.g. ['up', '--no-kubeconfig']). */
  args: string[];
}

/** Parses `npm start`: it must run the package's `skiff` bin with `up`. */
export function readStartScript(): StartScript {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string>; scripts?: Record<string, string> };
  const script = pkg.scripts?.start ?? '';
  const words = tokenize(script).map((t) => t.text);
  const bin = pkg.bin?.skiff;
  let rest: string[];
  if (words[0] === 'node' && bin && words[1]?.replace(/^\.\//, '') === bin) rest = words.slice(2);
  else if (words[0] === 'skiff') rest = words.slice(1);
  else throw new Error(`npm start does not run the skiff bin (${bin ?? 'none'}): "${script}"`);
  if (rest[0] !== 'up') throw new Error(`npm start does not run \`skiff up\`: "${script}"`);
  const args: string[] = [];
  const overridden = [...OVERRIDDEN, ...Object.keys(IF_PRESENT)];
  let dataDir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i] as string;
    const [flag, inline] = w.startsWith('--') && w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
    if (!overridden.includes(flag)) {
      args.push(w);
      continue;
    }
    const value = inline ?? rest[++i];
    if (flag === '--data-dir') dataDir = value;
  }
  if (!dataDir) throw new Error(`npm start sets no --data-dir (the tour's KUBECONFIG path depends on it): "${script}"`);
  return { script, dataDir, args };
}

export interface TourCluster {
  pid: number;
  kubeconfig: string;
  output(): string;
  exited(): boolean;
  /** SIGTERM, SIGKILL after `graceMs`; resolves with how it exited. Idempotent. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface TourClusterOptions {
  start: StartScript;
  dataDir: string;
  /** HOME of skiff up (so a missing --no-kubeconfig could not touch the real ~/.kube). */
  home: string;
  /** The test's own networks (never the 10/8 defaults). */
  clusterCidr: string;
  serviceCidr: string;
  clusterDns: string;
  /** From upFlags(): decides which IF_PRESENT flags are passed. */
  flags: Set<string>;
  /** Default 60 s: a cold tsx start on a busy machine is slow. */
  readyTimeoutMs?: number;
}

/** Starts `skiff up` and resolves once it says ready and admin.kubeconfig exists. */
export async function startTourCluster(o: TourClusterOptions): Promise<TourCluster> {
  const args = [...o.start.args, '--data-dir', o.dataDir, '--port', '0', '--bind-address', '127.0.0.1', '--cluster-cidr', o.clusterCidr, '--service-cidr', o.serviceCidr, '--cluster-dns', o.clusterDns];
  for (const [flag, value] of Object.entries(IF_PRESENT)) if (o.flags.has(flag)) args.push(flag, value);
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: o.home, KUBECONFIG: '' },
  });
  let out = '';
  const append = (d: Buffer): void => {
    out += d.toString();
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const stop = (graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
    (stopping ??= (async () => {
      if (!exited() && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => !exited() && child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), graceMs);
      const r = await exit;
      clearTimeout(killer);
      return r;
    })());
  const kubeconfig = join(o.dataDir, 'admin.kubeconfig');
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  while (!(/skiff up: ready/.test(out) && existsSync(kubeconfig))) {
    const early = exited();
    if (early || Date.now() > deadline) {
      await stop();
      throw new Error(`skiff up ${early ? 'exited early' : 'did not get ready in time'}:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { pid: child.pid as number, kubeconfig, output: () => out, exited, stop };
}
