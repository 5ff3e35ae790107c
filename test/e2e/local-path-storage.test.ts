/**
 * e2e, root only (volumes are mounted at their paths in the container's own mount
 * namespace): persistent volumes as k3s gives them out of the box. `skiff up` makes
 * `local-path` the default StorageClass; a StatefulSet's volumeClaimTemplate becomes a
 * claim that waits for its first consumer, the scheduler picks the node and marks the
 * claim, the local-path provisioner creates a hostPath volume under the node's
 * `<agent data dir>/storage` pinned to that node, the binder binds it, and the kubelet
 * creates the directory and mounts it (subPath too). The data outlives the pod; deleting
 * the claim deletes the volume and its directory.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { loopbackUpCluster } from './support/skiff-up.js';

// The test's own ranges (DESIGN.md): loopback services and pods, no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.75.0/24', '--service-cidr', '127.61.0.0/16', '--cluster-dns', '127.61.0.10', '--dns-upstream', 'none'];

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'volumes are mounted at their paths only as root';
  return kubectlMissing();
}

/** The pod: keep the first run's token in the volume, report what it finds, then idle. */
const script = `
const fs = require('node:fs');
const f = '/data/token';
if (fs.existsSync(f)) console.log('found ' + fs.readFileSync(f, 'utf8'));
else { const t = 'token-' + process.pid + '-' + Date.now(); fs.writeFileSync(f, t); console.log('wrote ' + t); }
fs.writeFileSync('/sub/via-subpath', 'sub');
setInterval(() => {}, 1 << 30);
`;

describe('local-path persistent volumes (root)', { skip: unavailable() }, () => {
  const cluster = loopbackUpCluster('skiff-local-path-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());

  const jp = async (args: string[], path: string) => (await k([...args, '-o', `jsonpath=${path}`])).stdout;
  const running = (uid?: string) =>
    waitFor('web-0 Running', async () => {
      const [phase, podUid] = (await jp(['get', 'pod', 'web-0'], '{.status.phase} {.metadata.uid}')).split(' ');
      return phase === 'Running' && podUid && podUid !== uid ? podUid : undefined;
    }, 90_000, 250);
  const logLine = (re: RegExp) =>
    waitFor(`web-0 log ${re}`, async () => re.exec((await k(['logs', 'web-0'])).stdout) ?? undefined, 30_000, 250);

  it('a StatefulSet keeps its data across pod restarts; deleting the claim removes the volume and its directory', { timeout: 300_000 }, async () => {
    const up = await cluster.start('pv-node', NETS);
    const classes = await waitFor('local-path (default)', async () => {
      const r = await k(['get', 'storageclass']);
      return /^local-path \(default\)\s/m.test(r.stdout) ? r.stdout : undefined;
    }, 30_000, 250);
    const [header, row] = classes.trim().split('\n');
    assert.match(header ?? '', /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE$/);
    assert.match(row ?? '', /^local-path \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+$/);

    const file = join(dataDir, 'web.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        serviceName: 'web',
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{
              name: 'main',
              image: 'local/none',
              command: [process.execPath, '-e', script],
              volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'data', mountPath: '/sub', subPath: 'nested' }],
            }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } }],
      },
    }));
    const applied = await k(['apply', '-f', file]);
    assert.equal(applied.code, 0, applied.stderr);

    const firstUid = await running().catch(async (err: Error) => {
      const d = await k(['describe', 'pod', 'web-0']);
      const c = await k(['describe', 'pvc', 'data-web-0']);
      throw new Error(`${err.message}\n${d.stdout}\n${c.stdout}\n${up.output().slice(-3000)}`);
    });
    const token = (await logLine(/^wrote (token-\S+)$/m))[1] ?? '';

    // The claim: Bound, of the default class, to a volume pinned to the node.
    const pvcRow = (await k(['get', 'pvc', 'data-web-0'])).stdout.trim().split('\n');
    assert.match(pvcRow[0] ?? '', /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/);
    assert.match(pvcRow[1] ?? '', /^data-web-0\s+Bound\s+pvc-[0-9a-f-]+\s+64Mi\s+RWO\s+local-path\s+<unset>\s+\S+$/);
    const pvName = await jp(['get', 'pvc', 'data-web-0'], '{.spec.volumeName}');
    const pvRows = (await k(['get', 'pv', pvName])).stdout.trim().split('\n');
    assert.match(pvRows[0] ?? '', /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/);
    assert.match(pvRows[1] ?? '', new RegExp(`^${pvName}\\s+64Mi\\s+RWO\\s+Delete\\s+Bound\\s+default/data-web-0\\s+local-path\\s+<unset>\\s+\\S+$`));
    const pv = JSON.parse((await k(['get', 'pv', pvName, '-o', 'json'])).stdout) as { spec: { hostPath: { path: string }; nodeAffinity: { required: { nodeSelectorTerms: Array<{ matchExpressions: unknown[] }> } } } };
    assert.deepEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0]?.matchExpressions, [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['pv-node'] }]);
    const dir = pv.spec.hostPath.path;
    assert.equal(dir, join(dataDir, 'agent', 'storage', `${pvName}_default_data-web-0`));
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), token);
    await waitFor('the subPath write', async () => (existsSync(join(dir, 'nested', 'via-subpath')) ? true : undefined), 10_000, 100);
    const events = await jp(['get', 'events', '--field-selector', 'involvedObject.name=data-web-0'], '{range .items[*]}{.reason}: {.message}{"\\n"}{end}');
    assert.match(events, /^WaitForFirstConsumer: waiting for first consumer to be created before binding$/m);
    assert.match(events, new RegExp(`^ProvisioningSucceeded: Successfully provisioned volume ${pvName}$`, 'm'));

    // A new pod for the same identity reads what the first one wrote.
    const del = await k(['delete', 'pod', 'web-0', '--wait=false']);
    assert.equal(del.code, 0, del.stderr);
    await running(firstUid);
    assert.equal((await logLine(/^found (token-\S+)$/m))[1], token);

    // The StatefulSet leaves its claims behind; deleting the claim deletes volume and directory.
    assert.equal((await k(['delete', 'statefulset', 'web', '--wait=false'])).code, 0);
    await waitFor('web-0 gone', async () => ((await k(['get', 'pod', 'web-0'])).code !== 0 ? true : undefined), 60_000, 250);
    assert.equal((await jp(['get', 'pv', pvName], '{.status.phase}')), 'Bound', 'the claim still holds it');
    assert.equal((await k(['delete', 'pvc', 'data-web-0', '--wait=false'])).code, 0);
    await waitFor('the volume deleted', async () => ((await k(['get', 'pv', pvName])).code !== 0 ? true : undefined), 60_000, 250);
    await waitFor('the directory removed', async () => (existsSync(dir) ? undefined : true), 10_000, 100);
    assert.ok(existsSync(join(dataDir, 'agent', 'storage')), 'the storage dir itself stays');
  });
});
