/**
 * e2e, root only (volumes are mounted at their paths in the container's own mount
 * namespace): generic ephemeral volumes on a `skiff up` node with the real kubectl. A
 * pod's `ephemeral.volumeClaimTemplate` becomes the claim `<pod>-<volume>` (made by the
 * ephemeral-volume controller, owned by the pod), which local-path provisions on the node
 * the scheduler picks; the pod writes and reads its volume. Deleting the pod deletes the
 * claim (garbage collector), then the volume and its directory. A claim of that name the
 * pod does not own keeps the pod Pending with upstream's message until it is removed.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { loopbackUpCluster } from './support/skiff-up.js';

// The test's own ranges (DESIGN.md): loopback services and pods, no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.77.0/24', '--service-cidr', '127.67.0.0/16', '--cluster-dns', '127.67.0.10', '--dns-upstream', 'none'];

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'volumes are mounted at their paths only as root';
  return kubectlMissing();
}

/** The pod: write a token into the volume, read it back, report it, then idle. */
const script = `
const fs = require('node:fs');
const t = 'token-' + process.pid + '-' + Date.now();
fs.writeFileSync('/scratch/token', t);
console.log('read ' + fs.readFileSync('/scratch/token', 'utf8'));
setInterval(() => {}, 1 << 30);
`;

const podManifest = (name: string, storageClassName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'main', image: 'local/none', imagePullPolicy: 'Never', command: [process.execPath, '-e', script], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
    volumes: [{
      name: 'scratch',
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: { 'example.com/kind': 'scratch' } },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '32Mi' } }, ...(storageClassName ? { storageClassName } : {}) },
        },
      },
    }],
  },
});

describe('generic ephemeral volumes (root)', { skip: unavailable() }, () => {
  const cluster = loopbackUpCluster('skiff-ephemeral-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());

  const jp = async (args: string[], path: string) => (await k([...args, '-o', `jsonpath=${path}`])).stdout;
  const apply = async (name: string, obj: unknown) => {
    const file = join(dataDir, `${name}.json`);
    writeFileSync(file, JSON.stringify(obj));
    const r = await k(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };
  const gone = (what: string, args: string[]) => waitFor(what, async () => ((await k(args)).code !== 0 ? true : undefined), 60_000, 250);
  const running = (pod: string, debug: () => string) =>
    waitFor(`${pod} Running`, async () => ((await jp(['get', 'pod', pod], '{.status.phase}')) === 'Running' ? true : undefined), 90_000, 250).catch(async (err: Error) => {
      const d = await k(['describe', 'pod', pod]);
      const c = await k(['describe', 'pvc', `${pod}-scratch`]);
      throw new Error(`${err.message}\n${d.stdout}\n${c.stdout}\n${debug().slice(-3000)}`);
    });

  it('a pod\'s ephemeral volume is provisioned, written and read, and goes with the pod; a foreign claim blocks it', { timeout: 300_000 }, async () => {
    const up = await cluster.start('eph-node', NETS);
    await waitFor('local-path (default)', async () => (/^local-path \(default\)\s/m.test((await k(['get', 'storageclass'])).stdout) ? true : undefined), 30_000, 250);

    // Validation as upstream: only labels and annotations in the template's metadata, a claim spec.
    const bad = podManifest('bad') as { spec: { volumes: Array<{ ephemeral: { volumeClaimTemplate: { metadata: object; spec: object } } }> } };
    bad.spec.volumes[0]!.ephemeral.volumeClaimTemplate = { metadata: { name: 'mine' }, spec: {} };
    const badFile = join(dataDir, 'bad.json');
    writeFileSync(badFile, JSON.stringify(bad));
    const rejected = await k(['create', '-f', badFile]);
    assert.notEqual(rejected.code, 0);
    const v = 'spec.volumes[0].ephemeral.volumeClaimTemplate';
    for (const want of [`${v}.metadata.name: Forbidden: cannot be set for a template`, `${v}.spec.accessModes: Required value: at least 1 access mode is required`, `${v}.spec.resources[storage]: Required value`]) {
      assert.ok(rejected.stderr.includes(want), rejected.stderr);
    }

    // A pod with an ephemeral volume of the default class starts and uses it.
    await apply('eph', podManifest('eph'));
    await running('eph', up.output);
    const uid = await jp(['get', 'pod', 'eph'], '{.metadata.uid}');
    const token = (await waitFor('eph reads its token', async () => /^read (token-\S+)$/m.exec((await k(['logs', 'eph'])).stdout) ?? undefined, 30_000, 250))[1] ?? '';

    // Its claim: <pod>-<volume>, Bound, of the default class, controlled by the pod.
    const pvcRows = (await k(['get', 'pvc'])).stdout.trim().split('\n');
    assert.match(pvcRows[0] ?? '', /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/);
    assert.equal(pvcRows.length, 2, pvcRows.join('\n'));
    assert.match(pvcRows[1] ?? '', /^eph-scratch\s+Bound\s+pvc-[0-9a-f-]+\s+32Mi\s+RWO\s+local-path\s+<unset>\s+\S+$/);
    const owner = await jp(['get', 'pvc', 'eph-scratch'], '{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}/{.metadata.ownerReferences[0].uid}/{.metadata.ownerReferences[0].controller}/{.metadata.ownerReferences[0].blockOwnerDeletion}');
    assert.equal(owner, `Pod/eph/${uid}/true/true`);
    assert.equal(await jp(['get', 'pvc', 'eph-scratch'], '{.metadata.labels.example\\.com/kind}'), 'scratch');
    const pvName = await jp(['get', 'pvc', 'eph-scratch'], '{.spec.volumeName}');
    const dir = await jp(['get', 'pv', pvName], '{.spec.hostPath.path}');
    assert.equal(dir, join(dataDir, 'agent', 'storage', `${pvName}_default_eph-scratch`));
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), token, 'the container wrote into the provisioned directory');

    // Deleting the pod deletes its claim (garbage collector), then the volume and its directory.
    assert.equal((await k(['delete', 'pod', 'eph', '--wait=false'])).code, 0);
    await gone('eph-scratch deleted with its pod', ['get', 'pvc', 'eph-scratch']);
    await gone('the volume deleted', ['get', 'pv', pvName]);
    await waitFor('the directory removed', async () => (existsSync(dir) ? undefined : true), 30_000, 100);

    // A claim of that name the pod does not own: never used; the pod stays Pending with upstream's reason.
    await apply('foreign', {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'blocked-scratch' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '32Mi' } }, storageClassName: 'local-path' },
    });
    await apply('blocked', podManifest('blocked', 'local-path'));
    const notOwner = 'PVC default/blocked-scratch was not created for pod default/blocked (pod is not owner)';
    const why = await waitFor('blocked unschedulable', async () => {
      const m = await jp(['get', 'pod', 'blocked'], '{.status.conditions[?(@.type=="PodScheduled")].message}');
      return m.includes(notOwner) ? m : undefined;
    }, 60_000, 250);
    assert.match(why, /^0\/1 nodes are available: /);
    assert.equal(await jp(['get', 'pod', 'blocked'], '{.status.phase}'), 'Pending');
    assert.equal(await jp(['get', 'pvc', 'blocked-scratch'], '{.metadata.ownerReferences}'), '', 'the foreign claim is not adopted');
    const events = await jp(['get', 'events', '--field-selector', 'involvedObject.name=blocked'], '{range .items[*]}{.reason}: {.message}{"\\n"}{end}');
    assert.ok(events.includes(`FailedBinding: ${notOwner}`), events);

    // Once the foreign claim is gone the pod gets its own and starts.
    assert.equal((await k(['delete', 'pvc', 'blocked-scratch'])).code, 0);
    await running('blocked', up.output);
    const blockedUid = await jp(['get', 'pod', 'blocked'], '{.metadata.uid}');
    assert.equal(await jp(['get', 'pvc', 'blocked-scratch'], '{.metadata.ownerReferences[0].uid}'), blockedUid);
    assert.equal((await k(['delete', 'pod', 'blocked', '--wait=false'])).code, 0);
    await gone('blocked-scratch deleted with its pod', ['get', 'pvc', 'blocked-scratch']);
  });
});
