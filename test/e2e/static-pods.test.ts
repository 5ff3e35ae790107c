/**
 * e2e: static pods on a `skiff up` node, with the real kubectl. A Pod manifest written
 * into <data-dir>/agent/pod-manifests runs as `<name>-<node>` and shows in the API as a
 * mirror pod (config.mirror/source/hash/seen annotations, owned by the Node). Deleting
 * the mirror with kubectl does not touch the pod: the mirror comes back and the container
 * (its process, its restartCount) is the same. Editing the manifest replaces the pod (a
 * new UID, a new process); a file that is not a Pod is skipped with a log line; removing
 * the manifest stops the pod and deletes its mirror. Pods are busybox shells whose command
 * line carries a marker, so the test can see their processes.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig } from '../../src/client/rest-client.js';
import { memoryLogger } from '../../src/client/logger.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { startKubelet } from '../../src/kubelet/index.js';
import { stopNodePods } from './support/node-pods.js';
import { killRunningSkiffUps, startSkiffUp, type SkiffUp } from './support/skiff-up.js';

const NODE = `static-e2e-${process.pid}`;
const MARKER = `skiff-static-e2e-${process.pid}`;
const NETS = ['--cluster-cidr', '198.18.0.0/16', '--service-cidr', '127.58.0.0/16', '--cluster-dns', '127.58.0.10', '--dns-upstream', 'none'];

function unavailable(): string | false {
  if (!existsSync('/bin/busybox')) return '/bin/busybox (the pods’ shell) is not installed';
  return kubectlMissing();
}

const readOr = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
};

/**
 * The pids of the pod shells whose command line holds `marker`, without a process whose
 * parent has the same command line: the shell's fork on its way to exec `sleep`.
 */
function shellPids(marker: string): string[] {
  const pids = spawnSync('pgrep', ['-f', `^/bin/busybox sh -c .*${marker}`]).stdout.toString().trim().split('\n').filter(Boolean);
  const parentOf = (pid: string): string | undefined => {
    const stat = readOr(`/proc/${pid}/stat`);
    return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  };
  return pids.filter((pid) => {
    const cmdline = readOr(`/proc/${pid}/cmdline`);
    const parent = parentOf(pid);
    return cmdline !== undefined && !(parent && pids.includes(parent) && readOr(`/proc/${parent}/cmdline`) === cmdline);
  });
}

function manifest(version: string, name = 'web'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: static}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: local/none
    imagePullPolicy: Never
    command: [/bin/busybox, sh, -c, "while true; do /bin/busybox sleep 1; done; : ${MARKER}-${version}"]
`;
}

interface PodView {
  metadata: { uid: string; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>; deletionTimestamp?: string };
  spec: { nodeName?: string; tolerations?: Array<{ operator?: string; effect?: string }> };
  status?: { phase?: string; containerStatuses?: Array<{ containerID?: string; restartCount: number; state?: { running?: { startedAt: string } } }> };
}

describe('static pods on skiff up', { skip: unavailable() }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-static-'));
  const home = mkdtempSync(join(tmpdir(), 'skiff-static-home-'));
  const kc = join(dataDir, 'admin.kubeconfig');
  const cacheDir = join(home, 'kube-cache');
  const manifests = join(dataDir, 'agent', 'pod-manifests');
  const podName = `web-${NODE}`;
  const k = (args: string[]) => kubectl(args, { kubeconfig: kc, cacheDir, timeoutMs: 60_000 });
  let up: SkiffUp | undefined;

  after(async () => {
    await up?.stop();
    killRunningSkiffUps();
    await stopNodePods(dataDir).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  /** The mirror pod as kubectl shows it, or undefined while it is not there. */
  const getPod = async (): Promise<PodView | undefined> => {
    const r = await k(['get', 'pod', podName, '-o', 'json']);
    if (r.code !== 0) {
      if (/NotFound|not found/.test(r.stderr)) return undefined;
      throw new Error(`kubectl get pod: ${r.stderr}`);
    }
    return JSON.parse(r.stdout) as PodView;
  };
  const running = (pred: (p: PodView) => boolean = () => true) => async () => {
    const p = await getPod();
    return p && p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state?.running && !p.metadata.deletionTimestamp && pred(p) ? p : undefined;
  };

  it('runs a manifest from the directory, keeps it through mirror deletion, replaces it on edit, stops it on removal', async () => {
    up = await startSkiffUp(['--port', '0', '--kubelet-port', '0', '--bind-address', '127.0.0.1', '--no-kubeconfig', '--data-dir', dataDir, '--node-name', NODE, ...NETS], { env: { HOME: home }, readyTimeoutMs: 90_000 });
    assert.ok(existsSync(manifests), 'the default pod-manifest directory is created');
    writeFileSync(join(manifests, 'web.yaml'), manifest('v1'));
    writeFileSync(join(manifests, 'not-a-pod.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n');

    // Runs, with the mirror's annotations and owner, as upstream gives them.
    const first = await waitFor('the static pod to be Running in the API', running(), 60_000, 200);
    const ann = first.metadata.annotations ?? {};
    assert.equal(ann['kubernetes.io/config.source'], 'file');
    assert.match(ann['kubernetes.io/config.hash'] ?? '', /^[0-9a-f]{32}$/);
    assert.equal(ann['kubernetes.io/config.mirror'], ann['kubernetes.io/config.hash']);
    assert.ok(ann['kubernetes.io/config.seen']);
    assert.equal(first.spec.nodeName, NODE);
    assert.ok(first.spec.tolerations?.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute'));
    assert.deepEqual(first.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.controller]), [['Node', NODE, true]]);
    const table = await k(['get', 'pods', '-o', 'wide']);
    assert.match(table.stdout, new RegExp(`${podName}\\s+1/1\\s+Running`));
    await waitFor('the bad manifest to be logged', async () => (/skipping a pod manifest.*not-a-pod\.yaml/.test(up?.output() ?? '') ? true : undefined), 30_000, 100);
    const container = first.status?.containerStatuses?.[0];
    const pids = shellPids(`${MARKER}-v1`);
    assert.equal(pids.length, 1, `one pod process: ${spawnSync('ps', ['-o', 'pid,ppid,args', '-p', pids.join(',')]).stdout.toString()}`);

    // kubectl delete of the mirror: the mirror comes back, the container is untouched.
    const del = await k(['delete', 'pod', podName, '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    const back = await waitFor('the mirror pod to come back', running((p) => p.metadata.uid !== first.metadata.uid), 60_000, 200);
    assert.equal(back.metadata.annotations?.['kubernetes.io/config.hash'], ann['kubernetes.io/config.hash'], 'the same static pod');
    const c2 = back.status?.containerStatuses?.[0];
    assert.equal(c2?.containerID, container?.containerID);
    assert.equal(c2?.restartCount, 0);
    assert.equal(c2?.state?.running?.startedAt, container?.state?.running?.startedAt);
    assert.deepEqual(shellPids(`${MARKER}-v1`), pids, 'the pod process was not restarted');

    // An edited manifest is a new pod: new UID, new process; the old one stops.
    writeFileSync(join(manifests, 'web.yaml'), manifest('v2'));
    const edited = await waitFor('the edited static pod to run', running((p) => p.metadata.annotations?.['kubernetes.io/config.hash'] !== ann['kubernetes.io/config.hash']), 60_000, 200);
    assert.notEqual(edited.metadata.uid, back.metadata.uid);
    assert.equal(edited.metadata.annotations?.['kubernetes.io/config.mirror'], edited.metadata.annotations?.['kubernetes.io/config.hash']);
    assert.notEqual(edited.status?.containerStatuses?.[0]?.containerID, container?.containerID);
    await waitFor('the old pod process to end and the new one to run', async () => (shellPids(`${MARKER}-v1`).length === 0 && shellPids(`${MARKER}-v2`).length === 1 ? true : undefined), 30_000, 100);

    // Removing the manifest stops the pod and deletes its mirror.
    unlinkSync(join(manifests, 'web.yaml'));
    await waitFor('the mirror pod to be deleted', async () => ((await getPod()) === undefined ? true : undefined), 60_000, 200);
    await waitFor('the pod process to end', async () => (shellPids(`${MARKER}-v2`).length === 0 ? true : undefined), 30_000, 100);
    const list = await k(['get', 'pods', '-A', '-o', 'name']);
    assert.doesNotMatch(list.stdout, new RegExp(podName));
  });

  it('keeps running static pods and follows their files while the API server is unreachable', async () => {
    const server = await startTestServer();
    const client = clientFromKubeconfig({ path: server.kubeconfigPath });
    const kdir = mkdtempSync(join(tmpdir(), 'skiff-static-down-'));
    const dir = join(kdir, 'pod-manifests');
    const node = `static-down-${process.pid}`;
    const log = memoryLogger();
    const kubelet = await startKubelet({ client, nodeName: node, dataDir: kdir, podManifestPath: dir, nodeIP: '127.0.0.1', apiPort: 0, logger: log });
    try {
      writeFileSync(join(dir, 'a.yaml'), manifest('down-a', 'a'));
      const mirror = await waitFor('the mirror pod', async () => {
        const p = await client.resource<Pod>(PodKind).get(`a-${node}`, { namespace: 'default' }).catch(() => undefined);
        return p?.status?.phase === 'Running' ? p : undefined;
      }, 60_000, 100);
      assert.ok(mirror.metadata?.annotations?.['kubernetes.io/config.mirror']);
      await server.stop();
      // Unreachable: a new manifest still starts, a removed one still stops.
      writeFileSync(join(dir, 'b.yaml'), manifest('down-b', 'b'));
      await waitFor('the new static pod to run without the API server', async () => (shellPids(`${MARKER}-down-b`).length === 1 ? true : undefined), 30_000, 100);
      assert.equal(shellPids(`${MARKER}-down-a`).length, 1, 'the running one is left alone');
      unlinkSync(join(dir, 'a.yaml'));
      await waitFor('the removed static pod to stop without the API server', async () => (shellPids(`${MARKER}-down-a`).length === 0 ? true : undefined), 30_000, 100);
      assert.ok(log.lines.some((l) => l.msg.startsWith('mirror pod sync failed')), 'mirror writes failed and are retried');
    } finally {
      await kubelet.stop({ killPods: true });
      client.close();
      await server.stop().catch(() => {});
      rmSync(kdir, { recursive: true, force: true });
    }
  });
});
