/**
 * Runs the real kubectl against a test server, isolated from the machine's own config:
 * `--kubeconfig` and `--cache-dir` are always passed and HOME points at a temp dir, so
 * ~/.kube is never read or written.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

export async function kubectl(args: readonly string[], opts: KubectlOptions): Promise<KubectlResult> {
  const home = mkdtempSync(join(tmpdir(), 'skiff-kubectl-'));
  const cacheDir = opts.cacheDir ?? join(home, 'cache');
  try {
    return await new Promise<KubectlResult>((resolve, reject) => {
      const child = spawn(kubectlBinary(opts.version), ['--kubeconfig', opts.kubeconfig, '--cache-dir', cacheDir, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: '', ...opts.env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(opts.stdin ?? '');
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** kubectl bound to a server's admin kubeconfig: `const k = kubectlFor(server); await k(['get', 'pods'])`. */
export function kubectlFor(server: { kubeconfigPath: string }): (args: readonly string[], opts?: Partial<KubectlOptions>) => Promise<KubectlResult> {
  return (args, opts = {}) => kubectl(args, { kubeconfig: server.kubeconfigPath, ...opts });
}
