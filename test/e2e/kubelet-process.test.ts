/**
 * e2e: a kubelet with the process runtime (in this test process) against a real
 * `skiff server`: node registration and Lease, pods running real host processes with
 * distinct loopback IPs, exit codes, Kubernetes' waiting reasons, probes, CrashLoopBackOff
 * growth (short base delay), graceful termination observed by a SIGTERM handler.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpus, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { httpGet } from './support/http-get.js';
import { startTestServer, kubectlFor, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { silentLogger } from '../../src/client/logger.js';
import { isNotFound } from '../../src/client/status-error.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { NodeKind, type Node } from '../../src/api/core/v1/node.js';
import { EventKind, type Event } from '../../src/api/core/v1/event.js';
import { LeaseKind } from '../../src/api/coordination/v1/lease.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';

const NODE = 'kubelet-e2e-node';


function podOf(name: string, spec: Record<string, unknown>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 5, ...spec } } as Pod;
}


describe('kubelet with the process runtime', { timeout: 180_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let dataDir: string;
  const pods = () => client.resource<Pod>(PodKind);
  const getPod = (name: string) => pods().get(name, { namespace: 'default' });
  const podWhere = (name: string, pred: (p: Pod) => boolean, timeoutMs?: number) =>
    waitFor(`pod ${name}`, async () => {
      const p = await getPod(name);
      return pred(p) ? p : undefined;
    }, timeoutMs);
  const eventsFor = async (name: string): Promise<Event[]> =>
    (await client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.name === name);
  /** Waits until the pod has Events with every reason in `want`: Events trail the status (the kubelet sends its status patches first). */
  const eventsWith = async (name: string, want: string[]): Promise<void> => {
    let seen: string[] = [];
    await waitFor(`events ${want.join(', ')} for ${name}`, async () => {
      seen = (await eventsFor(name)).map((e) => e.reason ?? '');
      return want.every((r) => seen.includes(r)) ? true : undefined;
    }, 15_000).catch(() => assert.fail(`events for ${name}: want ${want.join(',')}, got ${seen.join(',') || 'none'}`));
  };

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-e2e-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir, backoffBaseMs: 1000, logger: silentLogger, nodeIP: '127.0.0.1', apiPort: 0, labels: { 'skiff.dev/e2e': 'yes' }, kubeReserved: { cpu: '100m', memory: '100Mi' } });
  });
  after(async () => {
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers its node Ready with real capacity, reserved allocatable, and a Lease', async () => {
    const node = await client.resource<Node>(NodeKind).get(NODE);
    assert.equal(node.status?.capacity?.cpu, String(cpus().length));
    assert.equal(node.metadata?.labels?.['skiff.dev/e2e'], 'yes');
    assert.equal(node.status?.allocatable?.cpu, `${cpus().length * 1000 - 100}m`);
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.match(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^process:\/\//);
    const lease = await client.resource(LeaseKind).get(NODE, { namespace: 'kube-node-lease' });
    assert.equal((lease as { spec?: { holderIdentity?: string } }).spec?.holderIdentity, NODE);
    const kc = kubectlFor(server);
    const r = await kc(['get', 'node', NODE, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}']);
    assert.equal(r.stdout, 'KubeletReady');
  });

  it('lists its node Events in kubectl describe node (Starting, IsolationUnavailable)', async () => {
    const kc = kubectlFor(server);
    let out = '';
    await waitFor('node events in kubectl describe node', async () => {
      const r = await kc(['describe', 'node', NODE]);
      out = r.stdout + r.stderr;
      return /Normal\s+Starting\s.*Starting kubelet\./.test(out) && /Warning\s+IsolationUnavailable\s/.test(out) ? true : undefined;
    }, 30_000).catch(() => assert.fail(`kubectl describe node ${NODE}:\n${out}`));
    // The reference kubectl searches by (pkg/kubelet nodeRef): no namespace, the node's name as uid.
    const events = (await client.resource<Event>(EventKind).list({ namespace: 'default' })).items.filter((e) => e.involvedObject?.kind === 'Node' && e.involvedObject.name === NODE);
    assert.ok(events.length >= 2);
    for (const e of events) {
      assert.equal(e.involvedObject?.namespace ?? '', '');
      assert.equal(e.involvedObject?.uid, NODE);
    }
  });

  it('runs two replicas on the same port with distinct loopback IPs', async () => {
    const script = "require('http').createServer((q,s)=>s.end(process.env.MY_NAME)).listen(8080, process.env.POD_IP)";
    for (const n of ['web-a', 'web-b']) {
      await pods().create(podOf(n, { containers: [{ name: 'web', image: 'node:20', command: [process.execPath, '-e', script], env: [{ name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } }] }));
    }
    const a = await podWhere('web-a', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    const b = await podWhere('web-b', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    assert.equal(a.status?.phase, 'Running');
    assert.match(a.status?.podIP ?? '', /^127\./);
    assert.notEqual(a.status?.podIP, b.status?.podIP);
    assert.ok(a.status?.containerStatuses?.[0]?.state?.running?.startedAt);
    assert.equal(await httpGet(`http://${a.status?.podIP}:8080/`), 'web-a');
    assert.equal(await httpGet(`http://${b.status?.podIP}:8080/`), 'web-b');
    await eventsWith('web-a', ['Pulled', 'Created', 'Started']);
  });

  it('serves kubectl logs (tail, timestamps, -f) and exec with the exit code', async () => {
    const kc = kubectlFor(server);
    // stdout and stderr are separate files the kubelet reads as they grow: the pause lets
    // their order in the log be the order written even when the kubelet is slow to wake.
    await pods().create(podOf('talker', { containers: [{ name: 'c', image: 'x', command: ['sh', '-c', 'echo one; echo two; sleep 0.5; echo err >&2; sleep 1; echo three; sleep 300'] }] }));
    await podWhere('talker', (x) => x.status?.phase === 'Running');
    await waitFor('first lines', async () => ((await kc(['logs', 'talker'])).stdout.includes('two') ? true : undefined));
    const tail = await kc(['logs', 'talker', '--tail=1']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stdout, /^(err|two|three)\n$/);
    const ts = await kc(['logs', 'talker', '--timestamps', '--limit-bytes=200']);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT[\d:.]+Z one\n/);
    const follow = await kc(['logs', '-f', 'talker'], { timeoutMs: 4000 });
    assert.match(follow.stdout, /one\ntwo\nerr\nthree\n/);
    const ex = await kc(['exec', 'talker', '--', 'sh', '-c', 'echo out-$((1+1)); exit 3']);
    assert.equal(ex.code, 3, ex.stderr);
    assert.equal(ex.stdout, 'out-2\n');
    const ok = await kc(['exec', '-i', 'talker', '--', 'cat'], { stdin: 'piped\n' });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'piped\n');
  });

  it('reports the exit code of a failed container (restartPolicy Never)', async () => {
    await pods().create(podOf('exit3', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] }));
    const p = await podWhere('exit3', (x) => x.status?.phase === 'Failed');
    const t = p.status?.containerStatuses?.[0]?.state?.terminated;
    assert.equal(t?.exitCode, 3);
    assert.equal(t?.reason, 'Error');
  });

  it('a missing command is a StartError (exit 128) that backs off, or fails a Never pod; a missing configMap is a CreateContainerConfigError; with events', async () => {
    await pods().create(podOf('nocmd', { containers: [{ name: 'c', image: 'x', command: ['/no/such/binary'] }] }));
    await pods().create(podOf('nocmd-never', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x', command: ['/no/such/binary'] }] }));
    await pods().create(podOf('nocm', { containers: [{ name: 'c', image: 'x', command: ['sleep', '100'], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } }] }] }));
    // As with containerd: the failed start is an exit (128, StartError, never started), then CrashLoopBackOff.
    const p1 = await podWhere('nocmd', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' && (x.status.containerStatuses[0].restartCount ?? 0) >= 1, 30_000);
    const last = p1.status?.containerStatuses?.[0]?.lastState?.terminated;
    assert.deepEqual([last?.exitCode, last?.reason, last?.startedAt], [128, 'StartError', '1970-01-01T00:00:00Z']);
    assert.match(last?.message ?? '', /exec: "\/no\/such\/binary": executable file not found in \$PATH/);
    assert.equal(p1.status?.phase, 'Running');
    const never = await podWhere('nocmd-never', (x) => x.status?.phase === 'Failed');
    assert.deepEqual([never.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, never.status?.containerStatuses?.[0]?.state?.terminated?.reason], [128, 'StartError']);
    const p2 = await podWhere('nocm', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
    assert.match(p2.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '', /configmap "absent" not found/);
    await waitFor('Failed events', async () => ((await eventsFor('nocmd')).some((e) => e.reason === 'Failed') && (await eventsFor('nocm')).some((e) => e.reason === 'Failed') ? true : undefined));
  });

  it('restarts a container whose liveness probe fails, counting restarts', async () => {
    await pods().create(podOf('live', { containers: [{ name: 'c', image: 'x', command: ['sleep', '300'], livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 1 } }] }));
    const p = await podWhere('live', (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 30_000);
    assert.ok(p.status?.containerStatuses?.[0]?.lastState?.terminated);
    await eventsWith('live', ['Unhealthy', 'Killing']);
  });

  it('backs off crashing containers with growing delays (CrashLoopBackOff)', async () => {
    await pods().create(podOf('crash', { containers: [{ name: 'c', image: 'x', command: ['sh', '-c', 'sleep 0.5; exit 1'] }] }));
    // Gap between an instance's finish and the next one's start, per restartCount.
    const gaps = new Map<number, number>();
    await waitFor('4 restarts', async () => {
      const cs = (await getPod('crash')).status?.containerStatuses?.[0];
      const started = cs?.state?.running?.startedAt;
      const finished = cs?.lastState?.terminated?.finishedAt;
      if (cs && started && finished) gaps.set(cs.restartCount ?? 0, Date.parse(started) - Date.parse(finished));
      return gaps.has(4) ? true : undefined;
    }, 40_000);
    // Base 1 s (test flag): restarts wait 0, 1, 2, 4 s (timestamps have 1 s resolution).
    const g2 = gaps.get(2) ?? NaN;
    const g4 = gaps.get(4) ?? NaN;
    assert.ok(g4 >= 3000 && g4 <= 6000, `4th restart waited ${g4} ms`);
    if (gaps.has(2)) assert.ok(g4 - g2 >= 2000, `delays grow: ${[...gaps].join(' ')}`);
    await eventsWith('crash', ['BackOff']);
    await podWhere('crash', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 10_000);
  });

  it('restarts a container whose image changed (kubectl patch), whatever the restartPolicy, with container Events', async () => {
    const kc = kubectlFor(server);
    await pods().create(podOf('tick', { restartPolicy: 'Never', containers: [{ name: 'tick', image: 'busybox:1', command: ['sleep', '300'] }] }));
    const running = (p: Pod) => p.status?.containerStatuses?.[0]?.state?.running !== undefined;
    const before = (await podWhere('tick', running)).status?.containerStatuses?.[0];
    assert.equal(before?.image, 'busybox:1');
    const runtimeId = (cs: typeof before) => (cs?.containerID ?? '').replace(/^process:\/\//, '');
    const oldPid = (await kubelet.runtime.containerStatus(runtimeId(before)))?.pid;
    assert.ok(oldPid);
    const patch = await kc(['patch', 'pod', 'tick', '-p', JSON.stringify({ spec: { containers: [{ name: 'tick', image: 'busybox:2' }] } })]);
    assert.equal(patch.code, 0, patch.stderr);
    const after = await podWhere('tick', (p) => running(p) && p.status?.containerStatuses?.[0]?.restartCount === 1, 30_000);
    const cs = after.status?.containerStatuses?.[0];
    assert.equal(after.status?.phase, 'Running');
    assert.equal(cs?.image, 'busybox:2');
    assert.notEqual(cs?.containerID, before?.containerID);
    assert.ok(cs?.lastState?.terminated, JSON.stringify(cs?.lastState));
    const now = await kubelet.runtime.containerStatus(runtimeId(cs));
    assert.equal(now?.image, 'busybox:2');
    assert.notEqual(now?.pid, oldPid);
    await eventsWith('tick', ['Killing', 'Pulled', 'Created', 'Started']);
    const events = await eventsFor('tick');
    assert.ok(events.some((e) => e.reason === 'Killing' && e.message === 'Container tick definition changed, will be restarted'), JSON.stringify(events.map((e) => e.message)));
    assert.ok(events.some((e) => e.reason === 'Pulled' && e.message?.includes('"busybox:2"')));
    for (const e of events.filter((x) => ['Killing', 'Pulled', 'Created', 'Started'].includes(x.reason ?? ''))) assert.equal(e.involvedObject?.fieldPath, 'spec.containers{tick}', `${e.reason}: ${e.message}`);
    // A pod-scoped Event keeps no fieldPath.
    assert.equal(events.find((e) => e.reason === 'MissingClusterDNS')?.involvedObject?.fieldPath, undefined);
    // kubectl's SUBOBJECT column.
    const wide = await kc(['get', 'events', '-o', 'wide', '--field-selector', 'involvedObject.name=tick,reason=Killing']);
    assert.equal(wide.code, 0, wide.stderr);
    assert.match(wide.stdout, /SUBOBJECT/);
    assert.match(wide.stdout, /pod\/tick\s+spec\.containers\{tick\}\s/);
  });

  it('terminates gracefully: the SIGTERM handler runs, then the pod is deleted', async () => {
    const marker = join(dataDir, 'term-marker');
    const trapped = join(dataDir, 'term-trapped');
    await pods().create(podOf('graceful', { containers: [{ name: 'c', image: 'x', command: ['sh', '-c', `trap 'echo got-term > ${marker}; exit 0' TERM; touch ${trapped}; while true; do sleep 0.1; done`] }] }));
    await podWhere('graceful', (x) => x.status?.phase === 'Running');
    // Running means started, not that sh has reached its trap yet: a SIGTERM before it ends sh at once.
    await waitFor('the TERM trap set', async () => (existsSync(trapped) ? true : undefined));
    await pods().delete('graceful', { namespace: 'default' });
    await waitFor('pod deleted', async () => {
      try {
        await getPod('graceful');
        return undefined;
      } catch (err) {
        // Only a 404 says it is gone: under load a read can fail for other reasons (retried).
        if (isNotFound(err)) return true;
        throw err;
      }
    });
    assert.ok(existsSync(marker));
    assert.equal(readFileSync(marker, 'utf8').trim(), 'got-term');
  });
});
