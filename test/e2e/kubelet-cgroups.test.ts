/**
 * e2e (root only): a kubelet with the process runtime against a real `skiff server`
 * enforces a pod's memory limit — a memory hog is OOMKilled and reported so in its
 * status, as Kubernetes does — and its node Event says what is and is not isolated.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { silentLogger } from '../../src/client/logger.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { EventKind, type Event } from '../../src/api/core/v1/event.js';
import { openCgroups } from '../../src/kubelet/cgroups.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';

const NODE = 'kubelet-cgroups-node';
const found = openCgroups();
const skip = 'unavailable' in found ? `needs writable cgroups (${found.unavailable})` : false;
// Doubles a string until it far exceeds 32Mi (bounded, should no limit hold).
const HOG = 'x=a; i=0; while [ $i -lt 27 ]; do x=$x$x; i=$((i+1)); done';

function hogPod(name: string, restartPolicy: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'hog', image: 'x', command: ['sh', '-c', HOG], resources: { limits: { memory: '32Mi' } } }] },
  } as Pod;
}

describe('kubelet cgroups (root)', { skip, timeout: 60_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let dataDir: string;
  const pod = (name: string) => client.resource<Pod>(PodKind).get(name, { namespace: 'default' });

  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-cgroups-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir, backoffBaseMs: 500, logger: silentLogger, nodeIP: '127.0.0.1', apiPort: null });
  });
  after(async () => {
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a pod over its memory limit is OOMKilled (exit code 137), in state and, once restarted, in lastState', async () => {
    await client.resource<Pod>(PodKind).create(hogPod('hog-never', 'Never'));
    await client.resource<Pod>(PodKind).create(hogPod('hog-again', 'OnFailure'));
    const never = await waitFor('hog-never to fail', async () => {
      const p = await pod('hog-never');
      return p.status?.phase === 'Failed' ? p : undefined;
    }, 20_000);
    assert.deepEqual(
      { exitCode: never.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, reason: never.status?.containerStatuses?.[0]?.state?.terminated?.reason },
      { exitCode: 137, reason: 'OOMKilled' },
    );
    const again = await waitFor('hog-again to be restarted', async () => {
      const p = await pod('hog-again');
      return p.status?.containerStatuses?.[0]?.lastState?.terminated ? p : undefined;
    }, 20_000);
    const cs = again.status?.containerStatuses?.[0];
    assert.ok((cs?.restartCount ?? 0) >= 1);
    assert.deepEqual({ exitCode: cs?.lastState?.terminated?.exitCode, reason: cs?.lastState?.terminated?.reason }, { exitCode: 137, reason: 'OOMKilled' });
  });

  it('its node Event says limits are enforced and which isolation is still missing', async () => {
    const ev = await waitFor('the IsolationUnavailable event', async () => {
      const list = await client.resource<Event>(EventKind).list({ namespace: 'default' });
      return list.items.find((e) => e.reason === 'IsolationUnavailable' && e.involvedObject?.name === NODE);
    });
    assert.match(ev.message ?? '', /no network namespace/);
    assert.match(ev.message ?? '', /CPU and memory limits are enforced with cgroup v[12]/);
  });
});
