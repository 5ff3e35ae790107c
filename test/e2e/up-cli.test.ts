/**
 * e2e: `skiff up` as a process in a temp data dir and a temp HOME: it serves the API with
 * the controllers, the scheduler and a local node (process runtime) in-process, writes admin.kubeconfig, merges a "skiff"
 * context into $HOME/.kube/config without touching other contexts (or skips that with
 * --no-kubeconfig), keeps state across a restart, and exits 0 on SIGTERM.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubectl, kubectlMissing, REPO_ROOT } from './support/index.js';
import { killRunningSkiffUps, startSkiffUp, type SkiffUp } from './support/skiff-up.js';
import { stopNodePods } from './support/node-pods.js';

const CLI = join(REPO_ROOT, 'test/e2e/support/skiff-cli.ts');

/** `skiff up` with the test's own networks (DESIGN.md: never 10/8) and a temp HOME. */
function startUp(args: string[], home: string): Promise<SkiffUp> {
  const nets = ['--cluster-cidr', '198.18.0.0/16', '--service-cidr', '127.45.0.0/16', '--cluster-dns', '127.45.0.10', '--dns-upstream', 'none'];
  return startSkiffUp(['--port', '0', '--kubelet-port', '0', '--bind-address', '127.0.0.1', ...nets, ...args], { env: { HOME: home }, readyTimeoutMs: 60_000 });
}

/**
 * The pids of the processes whose command line holds `marker`, without a process whose
 * parent has the very same command line: that is a shell's fork on its way to exec (the
 * pod's loop starts `sleep 1` every second), there one moment and gone the next.
 */
function markedProcesses(marker: string): string {
  const pids = spawnSync('pgrep', ['-f', marker]).stdout.toString().trim().split('\n').filter(Boolean);
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined; // gone meanwhile
    }
  };
  const parentOf = (pid: string): string | undefined => {
    const stat = read(`/proc/${pid}/stat`);
    return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  };
  return pids
    .filter((pid) => {
      const cmdline = read(`/proc/${pid}/cmdline`);
      const parent = parentOf(pid);
      return cmdline !== undefined && !(parent && pids.includes(parent) && read(`/proc/${parent}/cmdline`) === cmdline);
    })
    .join('\n');
}

describe('skiff up', { skip: kubectlMissing() }, () => {
  const dirs: string[] = [];
  const temp = (p: string): string => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  after(async () => {
    killRunningSkiffUps();
    // Pods outlive `skiff up` by design: a test that failed before its own killall leaves them running.
    for (const d of dirs) await stopNodePods(d).catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves a cluster, keeps state across a restart, exits 0 on SIGTERM (--no-kubeconfig)', async () => {
    const dataDir = temp('skiff-up-data-');
    const home = temp('skiff-up-home-');
    const kc = join(dataDir, 'admin.kubeconfig');
    const first = await startUp(['--data-dir', dataDir, '--no-kubeconfig', '--node-name', 'up-node'], home);
    assert.match(first.output(), /starting a new cluster in /);
    assert.match(first.output(), /controller-manager running \(in-process\)/);
    assert.match(first.output(), /scheduler running \(in-process\)/);
    assert.ok(first.output().includes(`kubectl --kubeconfig ${kc} get nodes`), first.output());
    assert.match(first.output(), /node "up-node" registered/);
    const nodes = await kubectl(['get', 'nodes', '--no-headers'], { kubeconfig: kc });
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /^up-node\s+Ready\s+control-plane,master\s/, 'ROLES as k3s shows its server node');
    const cm = await kubectl(['create', 'configmap', 'kept', '--from-literal=a=1'], { kubeconfig: kc });
    assert.equal(cm.code, 0, cm.stderr);
    // Controllers, scheduler and the local node: a Deployment's pod runs as a host process.
    const marker = `skiff-up-e2e-${process.pid}-${Date.now()}`;
    const dep = await kubectl(['create', 'deployment', 'web', '--image=busybox', '--', 'sh', '-c', `while true; do sleep 1; done # ${marker}`], { kubeconfig: kc });
    assert.equal(dep.code, 0, dep.stderr);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const p = await kubectl(['get', 'pods', '-l', 'app=web', '--no-headers', '-o', 'custom-columns=N:.spec.nodeName,P:.status.phase'], { kubeconfig: kc });
      if (/^up-node\s+Running$/m.test(p.stdout)) break;
      if (Date.now() > deadline) assert.fail(`the deployment's pod is not Running on up-node: ${p.stdout}${p.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = () => markedProcesses(marker);
    const before = pids();
    assert.notEqual(before, '', 'the pod runs as a host process');
    const podName = (await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'], { kubeconfig: kc })).stdout;
    assert.equal(await first.stop(), 0, first.output().slice(-2000));
    assert.match(first.output(), /skiff up: SIGTERM, shutting down/);
    assert.equal(existsSync(join(home, '.kube')), false, '--no-kubeconfig must leave ~/.kube alone');
    // As with k3s, the pods outlive the node's agent…
    assert.equal(pids(), before, 'the pod process keeps running while skiff up is down');

    const second = await startUp(['--data-dir', dataDir, '--no-kubeconfig', '--node-name', 'up-node'], home);
    try {
      assert.match(second.output(), /restarting the cluster kept in /);
      const got = await kubectl(['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}'], { kubeconfig: kc });
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.stdout, '1');
      const n = await kubectl(['get', 'nodes', '--no-headers'], { kubeconfig: kc });
      assert.match(n.stdout, /^up-node\s+Ready\s/);
      // …and the restarted node takes them back: same pod, same process, no restart.
      const p = await kubectl(['get', 'pods', '-l', 'app=web', '--no-headers', '-o', 'custom-columns=N:.metadata.name,P:.status.phase,R:.status.containerStatuses[0].restartCount'], { kubeconfig: kc });
      assert.match(p.stdout, new RegExp(`^${podName}\\s+Running\\s+0$`, 'm'));
      assert.equal(pids(), before, 'the same process, re-adopted');
    } finally {
      assert.equal(await second.stop(), 0);
    }
    const killall = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'killall', '--data-dir', dataDir], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(killall.status, 0, killall.stderr);
    assert.match(killall.stdout, /stopped 1 container/);
    assert.equal(pids(), '', 'skiff killall stopped the pod');
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
    const up = await startUp(['--data-dir', dataDir, '--node-name', 'merge-node'], home);
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
