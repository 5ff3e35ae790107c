/**
 * Runs the real kubectl against a test server, isolated from the machine's own config:
 * `--kubeconfig` and `--cache-dir` are always passed and HOME points at a temp dir, so
 * ~/.kube is never read or written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTerminal } from '../../../src/kubelet/container-tty.js';

export type KubectlVersion = '1.27' | '1.28' | '1.29' | '1.30' | '1.31' | '1.32' | '1.33';

export interface KubectlOptions {
  /** Default: the server's admin kubeconfig. */
  kubeconfig: string;
  /** Run /usr/lib/google-cloud-sdk/bin/kubectl.1.NN directly; default: /usr/bin/kubectl (the dispatcher). */
  version?: KubectlVersion;
  /** Discovery cache dir to reuse between calls; default: a fresh temp dir per call. */
  cacheDir?: string;
  /** Written to kubectl's stdin. */
  stdin?: string;
  /** Default 60 s; the process is killed after it. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kubectlBinary(version?: KubectlVersion): string {
  return version ? `/usr/lib/google-cloud-sdk/bin/kubectl.${version}` : '/usr/bin/kubectl';
}

/**
 * Why a kubectl suite cannot run here (the binary is missing), or false when it can:
 * pass as `{ skip: kubectlMissing() }` so a machine without kubectl reports a skip, not a failure.
 */
export function kubectlMissing(version?: KubectlVersion): string | false {
  try {
    accessSync(kubectlBinary(version), constants.X_OK);
    return false;
  } catch {
    return `${kubectlBinary(version)} is not installed`;
  }
}

/** A kubectl that runs until it ends or is stopped (port-forward, attach): output so far, exit, and a kill by PID. */
export interface RunningKubectl {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** The exit code (null after a signal); rejects when kubectl could not be started. */
  exited: Promise<number | null>;
  /** SIGTERM (if still running), then the exit. */
  stop(): Promise<number | null>;
}

/**
 * Starts kubectl and returns at once. With `stdin: true` its stdin is a pipe the caller
 * writes to (child.stdin) and ends; otherwise it reads nothing. With `terminal` it runs on
 * a pty of that size. The temp HOME goes with the process.
 */
export function startKubectl(kubeconfig: string, args: readonly string[], opts: Omit<KubectlOptions, 'kubeconfig' | 'stdin' | 'timeoutMs'> & { stdin?: boolean; terminal?: { cols: number; rows: number } } = {}): RunningKubectl {
  const home = mkdtempSync(join(tmpdir(), 'skiff-kubectl-'));
  const argv = [kubectlBinary(opts.version), '--kubeconfig', kubeconfig, '--cache-dir', opts.cacheDir ?? join(home, 'cache'), ...args];
  // On a pty (script(1)), kubectl -t sees a terminal; stdout then carries the terminal's output.
  const [bin, ...binArgs] = (opts.terminal ? onTerminal(argv, opts.terminal) : argv) as [string, ...string[]];
  const child = spawn(bin, binArgs, {
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: '', ...opts.env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  // kubectl may exit before reading its input: that is its answer, not a test error.
  child.stdin?.on('error', () => {});
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e) => {
      rmSync(home, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code) => {
      rmSync(home, { recursive: true, force: true });
      resolve(code);
    });
  });
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      return exited;
    },
  };
}

/** Runs kubectl to its end (killed after timeoutMs), with `stdin` as its input. */
export async function kubectl(args: readonly string[], opts: KubectlOptions): Promise<KubectlResult> {
  const { kubeconfig, stdin, timeoutMs, ...rest } = opts;
  const run = startKubectl(kubeconfig, args, { ...rest, stdin: true });
  run.child.stdin?.end(stdin ?? '');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs ?? 60_000);
  try {
    const code = await run.exited;
    return { code, stdout: run.out(), stderr: run.err() };
  } finally {
    clearTimeout(timer);
  }
}

/** kubectl bound to a server's admin kubeconfig: `const k = kubectlFor(server); await k(['get', 'pods'])`. */
export function kubectlFor(server: { kubeconfigPath: string }): (args: readonly string[], opts?: Partial<KubectlOptions>) => Promise<KubectlResult> {
  return (args, opts = {}) => kubectl(args, { kubeconfig: server.kubeconfigPath, ...opts });
}
