/**
 * e2e: `skiff up --runtime cri` against a private containerd (CRI v1). Images are built
 * from the host's busybox and imported with ctr; pods get addresses from the test's own
 * CNI bridge in 198.18.0.0/15. Skipped unless root with containerd installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { containerdMissing, startTestContainerd, type TestContainerd } from './support/containerd-harness.js';
import { loopbackUpCluster } from './support/skiff-up.js';
import { CriRuntime } from '../../src/kubelet/cri/cri-runtime.js';

const SUBNET = '198.18.93.0/24';
const NETS = ['--cluster-cidr', SUBNET, '--service-cidr', '127.93.0.0/16', '--cluster-dns', '127.93.0.10', '--dns-upstream', 'none'];
// Small logs, few files and a short check interval, so that the log manager rotates within the test.
const LOG_FLAGS = ['--container-log-max-size', '64Ki', '--container-log-max-files', '3', '--container-log-monitor-interval', '500ms'];
const IMAGES = { busybox: 'localhost/skiff-e2e/busybox:1', pause: 'localhost/skiff-e2e/pause:1' };

/** Only addresses in the test's own subnet are ever contacted. */
function inTestSubnet(ip: string): boolean {
  return /^198\.18\.93\.(\d+)$/.test(ip) && Number(ip.split('.')[3]) > 1 && Number(ip.split('.')[3]) < 255;
}

const skip = containerdMissing() || kubectlMissing();

describe('kubelet with the cri runtime (containerd)', { skip }, () => {
  const cluster = loopbackUpCluster('skiff-cri-', async () => {});
  const { dataDir, k } = cluster;
  let ctd: TestContainerd | undefined;
  let out = (): string => '';

  before(async () => {
    ctd = await startTestContainerd({ bridge: 'skiffcri93', subnet: SUBNET, images: IMAGES });
    const up = await cluster.start('cri-node', [...NETS, '--runtime', 'cri', '--container-runtime-endpoint', `unix://${ctd.socket}`, ...LOG_FLAGS]);
    out = () => up.output().split('\n').filter((l) => !l.includes('"component":"apiserver"')).join('\n').slice(-3000);
  }, { timeout: 120_000 });

  after(async () => {
    await cluster.cleanup();
    await ctd?.cleanup();
  });

  const apply = async (name: string, spec: object): Promise<void> => {
    const file = join(dataDir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec }));
    const r = await k(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };
  const get = async (name: string, path: string): Promise<string> => (await k(['get', 'pod', name, '-o', `jsonpath=${path}`])).stdout;

  it('runs a pod from an image: Running, IP on the CNI bridge, logs, HTTP; deleting it removes its sandbox', { timeout: 120_000 }, async () => {
    await apply('web', {
      containers: [{ name: 'web', image: IMAGES.busybox, imagePullPolicy: 'Never', command: ['sh', '-c', 'mkdir -p /www && echo ok-from-cri > /www/index.html && echo hello-from-cri && exec httpd -f -p 8080 -h /www'], resources: { limits: { cpu: '500m', memory: '64Mi' } }, readinessProbe: { exec: { command: ['cat', '/www/index.html'] }, periodSeconds: 1 } }],
    });
    await waitFor('web Running', async () => ((await get('web', '{.status.phase}')) === 'Running' ? true : undefined), 60_000, 300).catch((e: Error) => assert.fail(`${e.message}\n${out()}`));
    const ip = await get('web', '{.status.podIP}');
    assert.ok(inTestSubnet(ip), `pod IP ${ip} is not in ${SUBNET}`);
    const uid = await get('web', '{.metadata.uid}');

    const logs = await waitFor('the pod log', async () => {
      const r = await k(['logs', 'web']);
      return r.stdout.includes('hello-from-cri') ? r.stdout : undefined;
    }, 30_000, 300);
    assert.match(logs, /hello-from-cri/);

    const body = await waitFor('an HTTP answer from the pod', async () => {
      const res = await fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200 ? await res.text() : undefined;
    }, 30_000, 200);
    assert.equal(body, 'ok-from-cri\n');

    // The exec readiness probe runs through CRI ExecSync.
    await waitFor('web Ready', async () => ((await get('web', '{.status.conditions[?(@.type=="Ready")].status}')) === 'True' ? true : undefined), 30_000, 300);

    // Usage through CRI ListContainerStats, as the resource metrics read it.
    const rt = await CriRuntime.connect({ endpoint: `unix://${ctd!.socket}`, logDir: join(dataDir, 'unused'), relistMs: 3_600_000 });
    try {
      const stats = await rt.listContainerStats();
      assert.ok(stats.some((x) => (x.workingSetBytes ?? 0) > 0), JSON.stringify(stats));
    } finally {
      await rt.close();
    }

    const client = ctd!.client;
    const sandboxesOf = async (): Promise<string[]> => (await client.rt<{ items: { id: string; metadata: { uid: string } }[] }>('ListPodSandbox', {})).items.filter((s) => s.metadata.uid === uid).map((s) => s.id);
    assert.equal((await sandboxesOf()).length, 1);
    const del = await k(['delete', 'pod', 'web', '--wait=true', '--timeout=60s']);
    assert.equal(del.code, 0, del.stderr);
    await waitFor('the sandbox removed from containerd', async () => ((await sandboxesOf()).length === 0 ? true : undefined), 60_000, 300);
  });

  it('restarts a container that exits 1 (restartCount grows)', { timeout: 120_000 }, async () => {
    await apply('crash', { containers: [{ name: 'crash', image: IMAGES.busybox, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo crashing; exit 1'] }] });
    const count = await waitFor('a restart', async () => {
      const n = Number((await get('crash', '{.status.containerStatuses[0].restartCount}')) || '0');
      return n >= 1 ? n : undefined;
    }, 60_000, 500).catch(async (e: Error) => assert.fail(`${e.message}\n${(await k(['get', 'pod', 'crash', '-o', 'json'])).stdout}\n${out()}`));
    assert.ok(count >= 1);
    const last = await get('crash', '{.status.containerStatuses[0].lastState.terminated.exitCode}');
    assert.equal(last, '1');
    await k(['delete', 'pod', 'crash', '--wait=false']);
  });

  it('rotates a chatty container\'s log: at most 3 files, older ones gzipped; kubectl logs reads the live one', { timeout: 120_000 }, async () => {
    // ~1 MB of CRI log a second (20000 "line"s), then a numbered mark.
    await apply('chatty', { containers: [{ name: 'chatty', image: IMAGES.busybox, imagePullPolicy: 'Never', command: ['sh', '-c', 'i=0; while :; do i=$((i+1)); yes line | head -c 100000; echo mark-$i; sleep 1; done'] }] });
    await waitFor('chatty Running', async () => ((await get('chatty', '{.status.phase}')) === 'Running' ? true : undefined), 60_000, 300).catch((e: Error) => assert.fail(`${e.message}\n${out()}`));
    const uid = await get('chatty', '{.metadata.uid}');
    const dir = join(dataDir, 'agent', 'pods', `default_chatty_${uid}`, 'chatty');
    // A compression's temporary file is not one of the kept files.
    const files = (): string[] => readdirSync(dir).filter((f) => f.startsWith('0.log') && !f.endsWith('.tmp')).sort();
    const seen: string[][] = [];
    const rotated = await waitFor('two rotations of the log', async () => {
      const now = files();
      seen.push(now);
      return now.length === 3 && now.filter((f) => f.endsWith('.gz')).length === 1 ? now : undefined;
    }, 60_000, 200).catch((e: Error) => assert.fail(`${e.message}: ${JSON.stringify(seen.slice(-5))}\n${out()}`));
    assert.equal(rotated[0], '0.log');
    assert.match(rotated[1] ?? '', /^0\.log\.\d{8}-\d{6}\.gz$/);
    assert.match(rotated[2] ?? '', /^0\.log\.\d{8}-\d{6}$/);
    assert.ok((rotated[1] ?? '') < (rotated[2] ?? ''), 'the compressed file is the older one');
    // More rotations keep it at 3 files: the oldest are removed.
    const first = rotated[2];
    await waitFor('a later rotation', async () => (files().every((f) => f !== first) ? true : undefined), 30_000, 200);
    for (const snapshot of seen) assert.ok(snapshot.length <= 3, `too many log files: ${snapshot.join(', ')}`);
    assert.ok(files().length <= 3, files().join(', '));
    // kubectl logs reads the live file (reopened by containerd): its last line is a recent mark.
    const mark = await waitFor('a mark from kubectl logs --tail=1', async () => {
      const r = await k(['logs', 'chatty', '--tail=1']);
      const m = /^mark-(\d+)$/.exec(r.stdout.trim());
      return m ? Number(m[1]) : undefined;
    }, 30_000, 300);
    assert.ok(mark >= 2, `mark-${mark} is from before the rotations`);
    await k(['delete', 'pod', 'chatty', '--wait=false']);
  });

  it('reports a missing image: ErrImageNeverPull with Never, ErrImagePull/ImagePullBackOff with IfNotPresent', { timeout: 90_000 }, async () => {
    await apply('never', { containers: [{ name: 'c', image: 'localhost/skiff-e2e/missing:1', imagePullPolicy: 'Never' }] });
    await apply('pull', { containers: [{ name: 'c', image: 'localhost/skiff-e2e/missing:1', imagePullPolicy: 'IfNotPresent' }] });
    const reason = (name: string) => get(name, '{.status.containerStatuses[0].state.waiting.reason}');
    await waitFor('ErrImageNeverPull', async () => ((await reason('never')) === 'ErrImageNeverPull' ? true : undefined), 60_000, 300);
    await waitFor('ErrImagePull or ImagePullBackOff', async () => (['ErrImagePull', 'ImagePullBackOff'].includes(await reason('pull')) ? true : undefined), 60_000, 300);
    await k(['delete', 'pod', 'never', 'pull', '--wait=false']);
  });
});
