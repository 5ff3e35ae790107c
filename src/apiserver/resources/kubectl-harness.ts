/**
 * Test support only: a real API server (HTTPS, discovery, OpenAPI from the HTTP layer;
 * this resource layer) in a temp dir, and an async runner for the real kubectl pointed
 * at it through its admin kubeconfig. kubectl's cache and HOME live in the temp dir, so
 * ~/.kube is never touched.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTempServer } from '../testing.js';
import { createResourceHandler, type ResourceLayerOptions } from './index.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlHarness {
  url: string;
  dataDir: string;
  kubeconfigPath: string;
  /** Runs kubectl (default: the dispatcher, which picks 1.32 for our /version). */
  kubectl(args: readonly string[], opts?: { binary?: string; stdin?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** Runs kubectl, asserts it succeeded (its stderr in the message), returns its stdout. */
  ok(args: readonly string[]): Promise<string>;
  /** Writes a file in the temp dir and returns its path. */
  file(name: string, text: string): string;
  stop(): Promise<void>;
}

/** An in-process API server (HTTPS, this resource layer with `layer` options) and kubectl for it. */
export async function startKubectlHarness(layer: ResourceLayerOptions = {}): Promise<KubectlHarness> {
  const s = await startTempServer({ createResources: (c) => createResourceHandler({ ...c, ...layer }) });
  return kubectlHarnessFor({ url: s.url, dataDir: s.dataDir, kubeconfigPath: s.kubeconfigPath, stop: () => s.stop() });
}

/** kubectl bound to any running server (e.g. a `skiff server` child process) by its admin kubeconfig. */
export function kubectlHarnessFor(s: { url: string; dataDir: string; kubeconfigPath: string; stop: () => Promise<unknown> }): KubectlHarness {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    KUBECONFIG: s.kubeconfigPath,
    KUBECACHEDIR: join(s.dataDir, 'kube-cache'),
    HOME: s.dataDir,
  };
  const h: KubectlHarness = {
    url: s.url,
    dataDir: s.dataDir,
    kubeconfigPath: s.kubeconfigPath,
    async ok(args) {
      const r = await h.kubectl(args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    kubectl(args, opts = {}) {
      return new Promise((resolve) => {
        const child = execFile(
          opts.binary ?? 'kubectl',
          [...args],
          { env: { ...env, ...(opts.env ?? {}) }, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
        if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
        else child.stdin?.end();
      });
    },
    file(name, text) {
      const p = join(s.dataDir, name);
      writeFileSync(p, text, { mode: 0o755 });
      return p;
    },
    stop: async () => {
      await s.stop();
    },
  };
  return h;
}

/** Replaces age cells (`0s`, `5s`, `2m3s`…) in table output with `AGE`, so outputs compare exactly. */
export function normalizeAges(text: string): string {
  return text.replace(/(?<=\s)(\d+[smhd])+(?=\s|$)/gm, 'AGE');
}

/** Table output as lines of single-space-separated cells, ages replaced by `AGE`. */
export function cells(text: string): string[] {
  return normalizeAges(text)
    .split('\n')
    .map((l) => l.trim().split(/\s+/).join(' '))
    .filter((l) => l !== '');
}
