import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap } from '../../api/core/v1/config-map.js';
import type { Container } from '../../api/core/v1/container.js';
import type { PersistentVolume } from '../../api/core/v1/persistent-volume.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/persistent-volume-claim.js';
import type { Pod } from '../../api/core/v1/pod.js';
import type { Secret } from '../../api/core/v1/secret.js';
import { silentLogger } from '../../client/logger.js';
import { ContainerConfigError } from '../container-env.js';
import { podUses, VolumeManager } from './volume-manager.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-volmgr-'));
  const configMaps = new Map<string, ConfigMap>();
  const secrets = new Map<string, Secret>();
  const events: string[] = [];
  const vm = new VolumeManager({
    podsDir: join(dir, 'pods'),
    sources: { configMap: async (ns, n) => configMaps.get(`${ns}/${n}`), secret: async (ns, n) => secrets.get(`${ns}/${n}`) },
    dns: { clusterDNS: ['198.18.100.10'], hostResolvConfPath: join(dir, 'no-such-resolv.conf') },
    root: false,
    logger: silentLogger,
    event: (_pod, type, reason, message) => events.push(`${type} ${reason} ${message}`),
  });
  return { dir, vm, configMaps, secrets, events, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', labels: { app: 'web' } },
  spec: {
    volumes: [
      { name: 'cfg', configMap: { name: 'app', defaultMode: 0o640 } },
      { name: 'sec', secret: { secretName: 's', items: [{ key: 'pw', path: 'creds/pw', mode: 0o400 }] } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      { name: 'scratch', emptyDir: {} },
      { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { configMap: { name: 'app' } }] } },
    ],
    containers: [{ name: 'c', volumeMounts: [{ name: 'cfg', mountPath: '/etc/app' }, { name: 'scratch', mountPath: '/data', subPath: 'sub/dir' }, { name: 'scratch', mountPath: '/x', subPathExpr: '$(WHO)' }] }],
  },
} as unknown as Pod;

describe('VolumeManager', () => {
  it('materializes every volume under pods/<uid>/volumes and refreshes them with an atomic swap', async () => {
    const t = setup();
    try {
      t.configMaps.set('ns/app', { metadata: { name: 'app' }, data: { key: 'v1' } } as ConfigMap);
      t.secrets.set('ns/s', { metadata: { name: 's' }, data: { pw: Buffer.from('hunter2').toString('base64') } } as Secret);
      assert.equal(await t.vm.setUp(pod), true);
      const vols = join(t.dir, 'pods', 'uid-1', 'volumes');
      assert.equal(readFileSync(join(vols, 'kubernetes.io~configmap/cfg/key'), 'utf8'), 'v1');
      assert.equal(statSync(join(vols, 'kubernetes.io~configmap/cfg/key')).mode & 0o777, 0o640);
      assert.equal(readFileSync(join(vols, 'kubernetes.io~secret/sec/creds/pw'), 'utf8'), 'hunter2');
      assert.equal(statSync(join(vols, 'kubernetes.io~secret/sec/creds/pw')).mode & 0o777, 0o400);
      assert.equal(readFileSync(join(vols, 'kubernetes.io~downward-api/info/labels'), 'utf8'), 'app="web"');
      assert.equal(statSync(join(vols, 'kubernetes.io~empty-dir/scratch')).mode & 0o777, 0o777);
      assert.equal(readFileSync(join(vols, 'kubernetes.io~projected/tok/key'), 'utf8'), 'v1');
      assert.ok(t.events.some((e) => /Warning VolumeSourceUnavailable volume "tok": serviceAccountToken \(token\) not available/.test(e)));
      assert.match(readFileSync(join(t.dir, 'pods', 'uid-1', 'etc-resolv.conf'), 'utf8'), /^search ns\.svc\.cluster\.local svc\.cluster\.local cluster\.local\nnameserver 198\.18\.100\.10\noptions ndots:5\n$/);

      const before = readlinkSync(join(vols, 'kubernetes.io~configmap/cfg/..data'));
      await t.vm.setUp(pod);
      assert.equal(readlinkSync(join(vols, 'kubernetes.io~configmap/cfg/..data')), before, 'unchanged: no new ..data');
      t.configMaps.set('ns/app', { metadata: { name: 'app' }, data: { key: 'v2' } } as ConfigMap);
      const relabeled = { ...pod, metadata: { ...pod.metadata, labels: { app: 'api' } } } as Pod;
      await t.vm.setUp(relabeled);
      assert.notEqual(readlinkSync(join(vols, 'kubernetes.io~configmap/cfg/..data')), before);
      assert.equal(readFileSync(join(vols, 'kubernetes.io~configmap/cfg/key'), 'utf8'), 'v2');
      assert.equal(readFileSync(join(vols, 'kubernetes.io~downward-api/info/labels'), 'utf8'), 'app="api"');

      await t.vm.tearDown(pod);
      assert.equal(existsSync(join(t.dir, 'pods', 'uid-1')), false);
    } finally {
      t.done();
    }
  });

  it('a missing ConfigMap fails the set-up with one FailedMount event; the rest is still done', async () => {
    const t = setup();
    try {
      t.secrets.set('ns/s', { metadata: { name: 's' }, data: { pw: 'eA==' } } as Secret);
      assert.equal(await t.vm.setUp(pod), false);
      assert.equal(await t.vm.setUp(pod), false);
      const failed = t.events.filter((e) => e.includes('FailedMount'));
      assert.deepEqual(failed, ['Warning FailedMount MountVolume.SetUp failed for volume "cfg" : configmap "app" not found', 'Warning FailedMount MountVolume.SetUp failed for volume "tok" : configmap "app" not found']);
      assert.ok(existsSync(join(t.dir, 'pods', 'uid-1', 'volumes', 'kubernetes.io~secret', 'sec', 'creds', 'pw')));
    } finally {
      t.done();
    }
  });

  it('mounts: volumes (API data read-only), subPath and subPathExpr inside the volume, the pod resolv.conf; escapes refused', async () => {
    const t = setup();
    try {
      const c = pod.spec?.containers?.[0] as Container;
      const m = t.vm.mountsFor(pod, c, { WHO: 'me' });
      const vols = join(t.dir, 'pods', 'uid-1', 'volumes');
      assert.deepEqual(m, [
        { containerPath: '/etc/app', hostPath: join(vols, 'kubernetes.io~configmap/cfg'), readOnly: true },
        { containerPath: '/data', hostPath: join(vols, 'kubernetes.io~empty-dir/scratch/sub/dir'), readOnly: false },
        { containerPath: '/x', hostPath: join(vols, 'kubernetes.io~empty-dir/scratch/me'), readOnly: false },
        { containerPath: '/etc/resolv.conf', hostPath: join(t.dir, 'pods', 'uid-1', 'etc-resolv.conf'), readOnly: false },
      ]);
      assert.ok(statSync(join(vols, 'kubernetes.io~empty-dir/scratch/sub/dir')).isDirectory());
      const bad = { ...c, volumeMounts: [{ name: 'scratch', mountPath: '/y', subPath: '../../etc' }] };
      assert.throws(() => t.vm.mountsFor(pod, bad, {}), (e: unknown) => e instanceof ContainerConfigError && /invalid subPath/.test(e.message));
      assert.throws(() => t.vm.mountsFor(pod, { ...c, volumeMounts: [{ name: 'nope', mountPath: '/z' }] }, {}), /cannot find volume "nope"/);
    } finally {
      t.done();
    }
  });

  it('podUses finds ConfigMaps and Secrets in volumes and projections', () => {
    assert.equal(podUses(pod, 'configMap', 'app'), true);
    assert.equal(podUses(pod, 'secret', 's'), true);
    assert.equal(podUses(pod, 'configMap', 's'), false);
  });
});

describe('VolumeManager: generic ephemeral volumes', () => {
  it('mounts the pod\'s own claim <pod>-<volume>; a claim it does not own keeps it waiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-volmgr-eph-'));
    try {
      const claims = new Map<string, PersistentVolumeClaim>();
      const events: string[] = [];
      const vm = new VolumeManager({
        podsDir: join(dir, 'pods'),
        sources: { configMap: async () => undefined, secret: async () => undefined },
        dns: { clusterDNS: ['198.18.100.10'], hostResolvConfPath: join(dir, 'no-such-resolv.conf') },
        root: false,
        logger: silentLogger,
        claims: {
          claim: async (ns, n) => claims.get(`${ns}/${n}`),
          volume: async (n) => ({ metadata: { name: n }, spec: { hostPath: { path: join(dir, n) }, claimRef: { uid: 'claim-uid' } } }) as PersistentVolume,
        },
        event: (_pod, type, reason, message) => events.push(`${type} ${reason} ${message}`),
      });
      const eph = {
        metadata: { name: 'web', namespace: 'ns', uid: 'pod-uid' },
        spec: {
          volumes: [{ name: 'data', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } }],
          containers: [{ name: 'c', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        },
      } as unknown as Pod;
      const bound = (ownerUid: string): PersistentVolumeClaim => ({
        metadata: { name: 'web-data', namespace: 'ns', uid: 'claim-uid', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid: ownerUid, controller: true }] },
        spec: { volumeName: 'pv-1' },
        status: { phase: 'Bound' },
      });
      assert.equal(await vm.setUp(eph), false, 'no claim yet');
      assert.ok(events.some((e) => e.includes('unmounted volumes=[data]') && e.endsWith('persistentvolumeclaims "web-data" not found')), events.join('\n'));

      claims.set('ns/web-data', bound('someone-else'));
      assert.equal(await vm.setUp(eph), false, 'a claim of that name the pod does not own');
      assert.ok(events.some((e) => e.endsWith(': PVC ns/web-data was not created for pod ns/web (pod is not owner)')), events.join('\n'));

      claims.set('ns/web-data', bound('pod-uid'));
      assert.equal(await vm.setUp(eph), true);
      const c = (eph.spec?.containers ?? [])[0] as Container;
      assert.deepEqual(vm.mountsFor(eph, c, {})[0], { containerPath: '/data', hostPath: join(dir, 'pv-1'), readOnly: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
