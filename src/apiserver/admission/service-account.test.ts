import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodKind } from '../../api/core/v1/pod.js';
import { ConfigMapKind } from '../../api/core/v1/config-map.js';
import { ApiError } from '../../machinery/status.js';
import { openStore, type Store } from '../../storage/index.js';
import type { AdmissionAttributes } from './types.js';
import { SERVICE_ACCOUNT_MOUNT_PATH, serviceAccountAdmission } from './service-account.js';

const attrs = (over: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({ operation: 'CREATE', spec: PodKind, namespace: 'ns', name: 'p', user: { name: 'u', groups: [] }, dryRun: false, ...over }) as AdmissionAttributes;
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const account = (name: string, extra: object = {}) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'ns' }, ...extra });

describe('ServiceAccount admission', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-sa-admission-'));
    store = await openStore({ backend: 'sqlite', path: join(dir, 'db.sqlite') });
    await store.create('/registry/core/serviceaccounts/ns/default', enc(account('default')));
    await store.create('/registry/core/serviceaccounts/ns/builder', enc(account('builder', { automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }] })));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const plugin = () => serviceAccountAdmission({ store, retryDelayMs: () => 20 });

  it('runs a pod as "default" and mounts the token volume in every container', async () => {
    const pod = { metadata: { name: 'p' }, spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'own', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }] }] } } as any;
    await plugin().admit(attrs(), pod, undefined);
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const [vol] = pod.spec.volumes;
    assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(vol.projected, {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    });
    const mount = { name: vol.name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH };
    assert.deepEqual(pod.spec.initContainers[0].volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[0].volumeMounts, [mount]);
    assert.deepEqual(pod.spec.containers[1].volumeMounts, [{ name: 'own', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }], 'a container with its own mount there keeps it');
  });

  it('reuses a kube-api-access volume the pod already has', async () => {
    const pod = { spec: { volumes: [{ name: 'kube-api-access-abcde', projected: { sources: [] } }], containers: [{ name: 'a' }] } } as any;
    await plugin().admit(attrs(), pod, undefined);
    assert.equal(pod.spec.volumes.length, 1);
    assert.equal(pod.spec.containers[0].volumeMounts[0].name, 'kube-api-access-abcde');
  });

  it('honours automountServiceAccountToken (the pod over its account) and takes the account\'s imagePullSecrets', async () => {
    const off = { spec: { serviceAccountName: 'builder', containers: [{ name: 'a' }] } } as any;
    await plugin().admit(attrs(), off, undefined);
    assert.equal(off.spec.volumes, undefined);
    assert.equal(off.spec.containers[0].volumeMounts, undefined);
    assert.deepEqual(off.spec.imagePullSecrets, [{ name: 'regcred' }]);
    const on = { spec: { serviceAccountName: 'builder', automountServiceAccountToken: true, imagePullSecrets: [{ name: 'mine' }], containers: [{ name: 'a' }] } } as any;
    await plugin().admit(attrs(), on, undefined);
    assert.equal(on.spec.volumes.length, 1);
    assert.deepEqual(on.spec.imagePullSecrets, [{ name: 'mine' }]);
    const podOff = { spec: { automountServiceAccountToken: false, containers: [{ name: 'a' }] } } as any;
    await plugin().admit(attrs(), podOff, undefined);
    assert.equal(podOff.spec.volumes, undefined);
  });

  it('refuses a pod whose account does not exist with 403', async () => {
    await assert.rejects(
      async () => plugin().admit(attrs(), { spec: { serviceAccountName: 'ghost', containers: [] } } as any, undefined),
      (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'pods "p" is forbidden: error looking up service account ns/ghost: serviceaccount "ghost" not found',
    );
  });

  it('waits for a default account its controller has not made yet', async () => {
    let asked = 0;
    const slow = serviceAccountAdmission({
      store,
      retryDelayMs: () => {
        if (++asked === 2) void store.create('/registry/core/serviceaccounts/fresh/default', enc(account('default')));
        return 20;
      },
    });
    const pod = { spec: { containers: [{ name: 'a' }] } } as any;
    await slow.admit(attrs({ namespace: 'fresh' }), pod, undefined);
    assert.equal(pod.spec.volumes.length, 1);
    assert.ok(asked >= 2);
    await assert.rejects(async () => slow.admit(attrs({ namespace: 'empty' }), { spec: {} } as any, undefined), /serviceaccount "default" not found/);
  });

  it('leaves mirror pods, updates and other kinds alone', async () => {
    const mirror = { metadata: { annotations: { 'kubernetes.io/config.mirror': 'x' } }, spec: { containers: [{ name: 'a' }] } } as any;
    await plugin().admit(attrs(), mirror, undefined);
    assert.equal(mirror.spec.serviceAccountName, undefined);
    const upd = { spec: { serviceAccountName: 'ghost' } } as any;
    await plugin().admit(attrs({ operation: 'UPDATE' }), upd, undefined);
    const cm = { data: {} } as any;
    await plugin().admit(attrs({ spec: ConfigMapKind }), cm, undefined);
    assert.deepEqual(cm, { data: {} });
  });
});
