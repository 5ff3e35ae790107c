import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './test-server.js';

export const SKIFF_CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');

/**
 * Runs the skiff CLI from source to completion (killed after `timeoutMs`). KUBECONFIG is
 * cleared unless `env` sets it, so a test never reads the machine's own kubeconfig.
 */
export function runSkiff(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', SKIFF_CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '', ...opts.env } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => c.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    c.on('error', reject);
    c.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}
