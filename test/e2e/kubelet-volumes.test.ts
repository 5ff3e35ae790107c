/**
 * e2e (root only): a kubelet with the process runtime against a real `skiff server`
 * mounts each container's volumes at their mountPaths in its own mount namespace: a
 * configMap file read by the container and by `kubectl exec`, updated in place when the
 * ConfigMap changes, an emptyDir shared by two containers, a readOnly mount refusing
 * writes, the pod resolv.conf with the cluster DNS, FailedMount while a ConfigMap is
 * missing — and no mountPath ever appears on the host.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlFor, startTestServer, type TestServer, waitFor } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { silentLogger } from '../../src/client/logger.js';
import { PodKind, type Pod } from '../../src/api/core/v1/pod.js';
import { ConfigMapKind, type ConfigMap } from '../../src/api/core/v1/config-map.js';
import { EventKind, type Event } from '../../src/api/core/v1/event.js';
import { mountNamespaceUnavailable } from '../../src/kubelet/mount-namespace.js';
import { mountsUnder } from '../../src/kubelet/volumes/mounts.js';
import { startKubelet, type RunningKubelet } from '../../src/kubelet/index.js';

const NODE = 'kubelet-volumes-node';
const why = mountNamespaceUnavailable();
const skip = why ? `needs mount namespaces (${why})` : false;
// mountPaths that must exist only inside the containers.
const APP = '/etc/skiff-e2e-app';
const SHARED_W = '/skiff-e2e-scratch';
const SHARED_R = '/var/skiff-e2e-cache';
const RO = '/skiff-e2e-ro';
const HOST_PATHS = [APP, SHARED_W, SHARED_R, RO];

function podOf(name: string, spec: Record<string, unknown>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, ...spec } } as Pod;
}

describe('kubelet volumes in mount namespaces (root)', { skip, timeout: 180_000 }, () => {
  let server: TestServer;
  let client: RestClient;
  let kubelet: RunningKubelet;
  let dataDir: string;
  const pods = () => client.resource<Pod>(PodKind);
  const cms = () => client.resource<ConfigMap>(ConfigMapKind);
  const running = (name: string) =>
    waitFor(`pod ${name} running`, async () => {
      const p = await pods().get(name, { namespace: 'default' });
      return p.status?.phase === 'Running' ? p : undefined;
    });
  const logs = async (name: string, container?: string): Promise<string> => (await kubectlFor(server)(['logs', name, ...(container ? ['-c', container] : [])])).stdout;
  const logWith = (name: string, text: string, container?: string) => waitFor(`${text} in the log of ${name}`, async () => ((await logs(name, container)).includes(text) ? true : undefined), 30_000);

  before(async () => {
    for (const p of HOST_PATHS) assert.equal(existsSync(p), false, `${p} must not exist on the host before the test`);
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-volumes-'));
    kubelet = await startKubelet({ client, nodeName: NODE, dataDir, backoffBaseMs: 500, logger: silentLogger, nodeIP: '127.0.0.1', apiPort: 0, clusterDNS: ['198.18.100.10'], clusterDomain: 'cluster.local' });
  });
  after(async () => {
    await kubelet?.stop({ killPods: true });
    client?.close();
    await server?.stop();
    if (dataDir) {
      // Never delete through a mount (tmpfs emptyDirs are host mounts): unmount lazily first.
      for (const mp of mountsUnder(dataDir)) execFileSync('umount', ['-l', mp]);
      rmSync(dataDir, { recursive: true, force: true });
    }
    for (const p of HOST_PATHS) assert.equal(existsSync(p), false, `${p} appeared on the host`);
  });

  it('a configMap volume at its mountPath: read by the container and by kubectl exec, updated in place, read-only', async (t) => {
    await cms().create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { key: 'v1' } } as ConfigMap);
    await pods().create(podOf('cfg', {
      volumes: [{ name: 'cfg', configMap: { name: 'app' } }],
      containers: [{ name: 'c', image: 'x', command: ['sh', '-c', `cat ${APP}/key; echo; touch ${APP}/new 2>&1 || echo refused; sleep 300`], volumeMounts: [{ name: 'cfg', mountPath: APP }] }],
    }));
    await running('cfg');
    await logWith('cfg', 'v1');
    assert.match(await logs('cfg'), /Read-only file system\nrefused/);
    const kc = kubectlFor(server);
    assert.equal((await kc(['exec', 'cfg', '--', 'cat', `${APP}/key`])).stdout, 'v1');
    assert.equal(existsSync(APP), false);
    const cm = await cms().get('app', { namespace: 'default' });
    const t0 = Date.now();
    await cms().update({ ...cm, data: { key: 'v2' } });
    await waitFor('the updated file', async () => ((await kc(['exec', 'cfg', '--', 'cat', `${APP}/key`])).stdout === 'v2' ? true : undefined), 10_000, 100);
    const took = Date.now() - t0;
    t.diagnostic(`ConfigMap update visible in the container after ${took} ms`);
  });

  it('an emptyDir shared by two containers: one writes, the other reads (different mountPaths)', async () => {
    await pods().create(podOf('shared', {
      volumes: [{ name: 'scratch', emptyDir: {} }],
      containers: [
        { name: 'writer', image: 'x', command: ['sh', '-c', `echo from-writer > ${SHARED_W}/f; sleep 300`], volumeMounts: [{ name: 'scratch', mountPath: SHARED_W }] },
        { name: 'reader', image: 'x', command: ['sh', '-c', `until [ -f ${SHARED_R}/f ]; do sleep 0.1; done; cat ${SHARED_R}/f; sleep 300`], volumeMounts: [{ name: 'scratch', mountPath: SHARED_R }] },
      ],
    }));
    await running('shared');
    await logWith('shared', 'from-writer', 'reader');
    const uid = (await pods().get('shared', { namespace: 'default' })).metadata?.uid ?? '';
    assert.equal(readFileSync(join(dataDir, 'pods', uid, 'volumes', 'kubernetes.io~empty-dir', 'scratch', 'f'), 'utf8'), 'from-writer\n');
  });

  it('a readOnly mount refuses writes; the pod resolv.conf has the cluster DNS and search path', async () => {
    await pods().create(podOf('ro', {
      volumes: [{ name: 'd', emptyDir: {} }],
      containers: [{ name: 'c', image: 'x', command: ['sh', '-c', `touch ${RO}/x 2>&1 || echo write-refused; cat /etc/resolv.conf; sleep 300`], volumeMounts: [{ name: 'd', mountPath: RO, readOnly: true }] }],
    }));
    await running('ro');
    await logWith('ro', 'options ndots:5');
    const out = await logs('ro');
    assert.match(out, /Read-only file system\nwrite-refused\n/);
    assert.match(out, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\b.*$/m);
    assert.match(out, /^nameserver 198\.18\.100\.10$/m);
  });

  it('a missing configMap: FailedMount and ContainerCreating until it exists', async () => {
    await pods().create(podOf('waits', {
      volumes: [{ name: 'cfg', configMap: { name: 'later' } }],
      containers: [{ name: 'c', image: 'x', command: ['sh', '-c', `cat ${APP}/k; sleep 300`], volumeMounts: [{ name: 'cfg', mountPath: APP }] }],
    }));
    const ev = await waitFor('FailedMount', async () => (await client.resource<Event>(EventKind).list({ namespace: 'default' })).items.find((e) => e.involvedObject?.name === 'waits' && e.reason === 'FailedMount'));
    assert.match(ev.message ?? '', /MountVolume\.SetUp failed for volume "cfg" : configmap "later" not found/);
    const p = await pods().get('waits', { namespace: 'default' });
    assert.equal(p.status?.phase, 'Pending');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating');
    await cms().create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: 'default' }, data: { k: 'arrived' } } as ConfigMap);
    await running('waits');
    await logWith('waits', 'arrived');
  });

  it('the node Event says containers get mount namespaces; a deleted pod leaves no volume behind', async () => {
    const ev = await waitFor('IsolationUnavailable', async () => (await client.resource<Event>(EventKind).list({ namespace: 'default' })).items.find((e) => e.reason === 'IsolationUnavailable' && e.involvedObject?.name === NODE));
    assert.match(ev.message ?? '', /a mount namespace per container/);
    const uid = (await pods().get('shared', { namespace: 'default' })).metadata?.uid ?? '';
    assert.ok(existsSync(join(dataDir, 'pods', uid, 'volumes')));
    await pods().delete('shared', { namespace: 'default' });
    await waitFor('volumes removed', async () => (existsSync(join(dataDir, 'pods', uid)) ? undefined : true), 30_000);
    assert.deepEqual(mountsUnder(dataDir), []);
  });
});
