/**
 * e2e: `skiff up` as a process in a temp data dir and a temp HOME: it serves the API with
 * the controllers and scheduler in-process, writes admin.kubeconfig, merges a "skiff"
 * context into $HOME/.kube/config without touching other contexts (or skips that with
 * --no-kubeconfig), keeps state across a restart, and exits 0 on SIGTERM.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubectl, kubectlMissing, REPO_ROOT } from './support/index.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');

interface Up {
  child: ChildProcess;
  url: string;
  output(): string;
  /** SIGTERM (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

async function startUp(args: string[], home: string): Promise<Up> {
  const c = spawn(process.execPath, ['--import', 'tsx', CLI, 'up', '--port', '0', '--bind-address', '127.0.0.1', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home, KUBECONFIG: '' },
  });
  running.add(c);
  let out = '';
  c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => c.once('exit', (code) => (running.delete(c), r(code))));
  const stop = async (): Promise<number | null> => {
    if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
    const t = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 10_000);
    const code = await exit;
    clearTimeout(t);
    return code;
  };
  const deadline = Date.now() + 60_000;
  while (!/skiff up: ready/.test(out)) {
    if (c.exitCode !== null) throw new Error(`skiff up exited early:\n${out.slice(-3000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`skiff up did not start in time:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /serving on (https:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
  return { child: c, url, output: () => out, stop };
}

describe('skiff up', { skip: kubectlMissing() }, () => {
  const dirs: string[] = [];
  const temp = (p: string): string => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const c of running) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves a cluster, keeps state across a restart, exits 0 on SIGTERM (--no-kubeconfig)', async () => {
    const dataDir = temp('skiff-up-data-');
    const home = temp('skiff-up-home-');
    const kc = join(dataDir, 'admin.kubeconfig');
    const first = await startUp(['--data-dir', dataDir, '--no-kubeconfig'], home);
    assert.match(first.output(), /starting a new cluster in /);
    assert.match(first.output(), /controller-manager running \(in-process\)/);
    assert.match(first.output(), /scheduler running \(in-process\)/);
    assert.ok(first.output().includes(`kubectl --kubeconfig ${kc} get nodes`), first.output());
    // No kubelet yet: up says so, and no node is listed.
    assert.match(first.output(), /no local node runs yet/);
    const nodes = await kubectl(['get', 'nodes', '-o', 'name'], { kubeconfig: kc });
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.equal(nodes.stdout.trim(), '');
    const cm = await kubectl(['create', 'configmap', 'kept', '--from-literal=a=1'], { kubeconfig: kc });
    assert.equal(cm.code, 0, cm.stderr);
    // The controllers run: a Deployment gets its ReplicaSet.
    assert.equal((await kubectl(['create', 'deployment', 'web', '--image=x'], { kubeconfig: kc })).code, 0);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rs = await kubectl(['get', 'replicasets', '-l', 'app=web', '-o', 'name'], { kubeconfig: kc });
      if (rs.stdout.includes('replicaset.apps/web-')) break;
      if (Date.now() > deadline) assert.fail(`no ReplicaSet for the deployment: ${rs.stdout}${rs.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await first.stop(), 0, first.output().slice(-2000));
    assert.match(first.output(), /skiff up: SIGTERM, shutting down/);
    assert.equal(existsSync(join(home, '.kube')), false, '--no-kubeconfig must leave ~/.kube alone');

    const second = await startUp(['--data-dir', dataDir, '--no-kubeconfig'], home);
    try {
      assert.match(second.output(), /restarting the cluster kept in /);
      const got = await kubectl(['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}'], { kubeconfig: kc });
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.stdout, '1');
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });

  it('merges a "skiff" context into $HOME/.kube/config, keeping the others', async () => {
    const dataDir = temp('skiff-up-data-');
    const home = temp('skiff-up-home-');
    mkdirSync(join(home, '.kube'));
    const userConfig = join(home, '.kube', 'config');
    writeFileSync(
      userConfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: other\nclusters:\n- name: other\n  cluster: {server: "https://192.0.2.1:6443"}\nusers:\n- name: other\n  user: {token: abc}\ncontexts:\n- name: other\n  context: {cluster: other, user: other}\n',
    );
    const up = await startUp(['--data-dir', dataDir], home);
    try {
      assert.match(up.output(), /context "skiff" added in .*\.kube\/config \(use: kubectl --context skiff/);
      const doc = parse(readFileSync(userConfig, 'utf8')) as { 'current-context': string; contexts: Array<{ name: string }>; clusters: Array<{ name: string; cluster: { server: string } }> };
      assert.equal(doc['current-context'], 'other');
      assert.deepEqual(doc.contexts.map((c) => c.name).sort(), ['other', 'skiff']);
      assert.equal(doc.clusters.find((c) => c.name === 'skiff')?.cluster.server, up.url);
      const ns = await kubectl(['--context', 'skiff', 'get', 'namespace', 'kube-system', '-o', 'name'], { kubeconfig: userConfig });
      assert.equal(ns.code, 0, ns.stderr);
      assert.equal(ns.stdout.trim(), 'namespace/kube-system');
    } finally {
      assert.equal(await up.stop(), 0);
    }
  });
});
