/**
 * pods/ephemeralcontainers through a real API server (HTTPS, admission, RBAC), without
 * kubectl: discovery, get, the strategic-merge patch kubectl debug sends, PUT, the
 * upstream refusals, and authorization as `pods/ephemeralcontainers`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodKind } from '../../api/core/v1/pod.js';
import type { AdmissionAttributes } from '../admission/types.js';
import type { KubeObject } from '../watch-cache/cached-object.js';
import { call, startTempServer } from '../testing.js';
import { statusError } from './errors.js';
import { startHarness } from './test-kinds.js';

const NS = '/api/v1/namespaces/default';
const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
const JSON_CT = { 'content-type': 'application/json' };

/** What kubectl debug 1.32 patches in (strategicpatch.CreateTwoWayMergePatch of the pod with its debug container). */
const debugPatch = (name: string, extra: Record<string, unknown> = {}) => ({
  spec: {
    ephemeralContainers: [{ name, image: 'busybox', command: ['sh', '-c', 'true'], resources: {}, stdin: true, targetContainerName: 'main', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', ...extra }],
  },
});

describe('pods/ephemeralcontainers', () => {
  let s: Awaited<ReturnType<typeof startTempServer>>;
  const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = JSON_CT) =>
    call(s, method, path, { token: s.adminToken, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const createPod = async (name: string) => {
    const r = await admin('POST', `${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox', command: ['sleep', '60'] }] } });
    assert.equal(r.code, 201, r.body);
    return r.json();
  };

  before(async () => {
    s = await startTempServer({ authorizationMode: 'RBAC' });
  });
  after(async () => {
    await s?.stop();
  });

  it('is listed by discovery as a Pod subresource with get, patch and update (legacy and aggregated)', async () => {
    const legacy = (await admin('GET', '/api/v1')).json();
    const entry = legacy.resources.find((r: { name: string }) => r.name === 'pods/ephemeralcontainers');
    assert.deepEqual({ kind: entry?.kind, verbs: entry?.verbs, namespaced: entry?.namespaced }, { kind: 'Pod', verbs: ['get', 'patch', 'update'], namespaced: true });
    const aggregated = (await admin('GET', '/api', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' })).json();
    const pods = aggregated.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    const sub = pods.subresources.find((r: { subresource: string }) => r.subresource === 'ephemeralcontainers');
    assert.deepEqual(sub, { subresource: 'ephemeralcontainers', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] });
  });

  it('a strategic-merge patch (as kubectl debug sends) adds an ephemeral container; other changes in it are dropped', async () => {
    const created = await createPod('target');
    const body = {
      metadata: { labels: { app: 'changed' } },
      spec: { '$setElementOrder/ephemeralContainers': [{ name: 'debugger-a' }], ...debugPatch('debugger-a').spec, activeDeadlineSeconds: 5 },
    };
    const r = await admin('PATCH', `${NS}/pods/target/ephemeralcontainers`, body, SMP);
    assert.equal(r.code, 200, r.body);
    const pod = r.json();
    assert.equal(pod.kind, 'Pod');
    assert.deepEqual(pod.spec.ephemeralContainers.map((c: { name: string; targetContainerName: string }) => [c.name, c.targetContainerName]), [['debugger-a', 'main']]);
    assert.equal(pod.metadata.labels.app, 'target', 'labels are not changed through the subresource');
    assert.equal(pod.spec.activeDeadlineSeconds, undefined, 'nor the rest of the spec');
    assert.notEqual(pod.metadata.resourceVersion, created.metadata.resourceVersion);
    const got = (await admin('GET', `${NS}/pods/target/ephemeralcontainers`)).json();
    assert.deepEqual(got.spec.ephemeralContainers, pod.spec.ephemeralContainers);
    assert.equal((await admin('GET', `${NS}/pods/target`)).json().spec.ephemeralContainers[0].name, 'debugger-a');
  });

  it('existing ephemeral containers cannot be removed or changed (422 with upstream\'s message), a second one can be added by PUT', async () => {
    await createPod('keep');
    assert.equal((await admin('PATCH', `${NS}/pods/keep/ephemeralcontainers`, debugPatch('one'), SMP)).code, 200);
    const pod = (await admin('GET', `${NS}/pods/keep/ephemeralcontainers`)).json();
    const removed = await admin('PUT', `${NS}/pods/keep/ephemeralcontainers`, { ...pod, spec: { ...pod.spec, ephemeralContainers: [] } });
    assert.equal(removed.code, 422, removed.body);
    assert.equal(removed.json().message, 'Pod "keep" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "one" may not be removed\n');
    const changed = await admin('PUT', `${NS}/pods/keep/ephemeralcontainers`, { ...pod, spec: { ...pod.spec, ephemeralContainers: [{ ...pod.spec.ephemeralContainers[0], image: 'alpine' }] } });
    assert.equal(changed.code, 422);
    assert.match(changed.json().message, /existing ephemeral containers "one" may not be changed/);
    const added = await admin('PUT', `${NS}/pods/keep/ephemeralcontainers`, { ...pod, spec: { ...pod.spec, ephemeralContainers: [...pod.spec.ephemeralContainers, { ...pod.spec.ephemeralContainers[0], name: 'two' }] } });
    assert.equal(added.code, 200, added.body);
    assert.deepEqual(added.json().spec.ephemeralContainers.map((c: { name: string }) => c.name), ['one', 'two']);
    const stale = await admin('PUT', `${NS}/pods/keep/ephemeralcontainers`, { ...pod, spec: { ...pod.spec, ephemeralContainers: [...pod.spec.ephemeralContainers, { ...pod.spec.ephemeralContainers[0], name: 'three' }] } });
    assert.equal(stale.code, 409, 'a PUT with an old resourceVersion conflicts');
  });

  it('validates the new containers (ports, target, names) and the main resource refuses ephemeral container changes', async () => {
    await createPod('strict');
    const ports = await admin('PATCH', `${NS}/pods/strict/ephemeralcontainers`, debugPatch('p', { ports: [{ containerPort: 80 }] }), SMP);
    assert.equal(ports.code, 422);
    assert.match(ports.json().message, /spec\.ephemeralContainers\[0\]\.ports: Forbidden: cannot be set for an Ephemeral Container/);
    const target = await admin('PATCH', `${NS}/pods/strict/ephemeralcontainers`, debugPatch('t', { targetContainerName: 'nope' }), SMP);
    assert.equal(target.code, 422);
    assert.match(target.json().message, /spec\.ephemeralContainers\[0\]\.targetContainerName: Not found: "nope"/);
    const dup = await admin('PATCH', `${NS}/pods/strict/ephemeralcontainers`, debugPatch('main'), SMP);
    assert.equal(dup.code, 422);
    assert.match(dup.json().message, /spec\.ephemeralContainers\[0\]\.name: Duplicate value: "main"/);
    const main = await admin('PATCH', `${NS}/pods/strict`, debugPatch('d'), SMP);
    assert.equal(main.code, 422);
    assert.match(main.json().message, /^Pod "strict" is invalid: spec: Forbidden: pod updates may not change fields other than/);
    assert.equal((await admin('GET', `${NS}/pods/strict`)).json().spec.ephemeralContainers, undefined);
    assert.equal((await admin('DELETE', `${NS}/pods/strict/ephemeralcontainers`)).code, 405);
    const missing = await admin('PATCH', `${NS}/pods/nope/ephemeralcontainers`, debugPatch('x'), SMP);
    assert.equal(missing.code, 404);
    // kubectl reads a 404 without the pod's name as "ephemeral containers are disabled".
    assert.equal(missing.json().details?.name, 'nope');
  });

  it('is authorized as pods/ephemeralcontainers: patching pods is not enough', async () => {
    await createPod('guarded');
    s.tokens.set('dev-token', { name: 'dev', groups: ['system:authenticated'] });
    const role = (name: string, resources: string[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules: [{ apiGroups: [''], resources, verbs: ['get', 'patch', 'update'] }] });
    const bind = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name }, subjects: [{ kind: 'User', name: 'dev', apiGroup: 'rbac.authorization.k8s.io' }], roleRef: { kind: 'Role', name, apiGroup: 'rbac.authorization.k8s.io' } });
    const rbac = '/apis/rbac.authorization.k8s.io/v1/namespaces/default';
    for (const [kind, obj] of [['roles', role('pods-only', ['pods'])], ['rolebindings', bind('pods-only')]] as const) assert.equal((await admin('POST', `${rbac}/${kind}`, obj)).code, 201);
    const dev = (path: string) => call(s, 'PATCH', path, { token: 'dev-token', headers: SMP, body: JSON.stringify(debugPatch('dbg')) });
    await poll('the pods-only role to apply', async () => (await call(s, 'GET', `${NS}/pods/guarded`, { token: 'dev-token' })).code === 200);
    const denied = await dev(`${NS}/pods/guarded/ephemeralcontainers`);
    assert.equal(denied.code, 403);
    assert.match(denied.json().message, /User "dev" cannot patch resource "pods\/ephemeralcontainers" in API group "" in the namespace "default"/);
    for (const [kind, obj] of [['roles', role('debugger', ['pods/ephemeralcontainers'])], ['rolebindings', bind('debugger')]] as const) assert.equal((await admin('POST', `${rbac}/${kind}`, obj)).code, 201);
    await poll('the debugger role to apply', async () => (await dev(`${NS}/pods/guarded/ephemeralcontainers`)).code === 200);
    assert.equal((await admin('GET', `${NS}/pods/guarded`)).json().spec.ephemeralContainers[0].name, 'dbg');
  });
});

describe('pods/ephemeralcontainers and admission', () => {
  it('admission sees the stored pod and the new one with only its ephemeral containers changed, and can refuse it', async () => {
    const seen: { sub?: string; before: unknown; after: unknown; labels: unknown }[] = [];
    const names = (o: KubeObject | undefined) => (o?.spec?.ephemeralContainers ?? []).map((c: { name: string }) => c.name);
    // Stands in for PodSecurity, which must see the real change to check the new containers.
    const guard = {
      name: 'TestGuard',
      admit(attrs: AdmissionAttributes, obj: KubeObject | undefined, old: KubeObject | undefined) {
        if (attrs.operation !== 'UPDATE' || attrs.subresource !== 'ephemeralcontainers') return;
        seen.push({ sub: attrs.subresource, before: names(old), after: names(obj), labels: obj?.metadata?.labels });
        if (names(obj).includes('forbidden')) throw statusError(403, 'Forbidden', 'ephemeral container "forbidden" is not allowed');
      },
    };
    const h = await startHarness({ kinds: [PodKind], layer: { admission: [guard] } });
    try {
      const P = '/api/v1/namespaces/default/pods';
      assert.equal((await h.req('POST', P, { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } })).status, 201);
      const ok = await h.req('PATCH', `${P}/p/ephemeralcontainers`, { metadata: { labels: { a: '2' } }, ...debugPatch('one') }, SMP);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(seen, [{ sub: 'ephemeralcontainers', before: [], after: ['one'], labels: { a: '1' } }]);
      const refused = await h.req('PATCH', `${P}/p/ephemeralcontainers`, debugPatch('forbidden'), SMP);
      assert.equal(refused.status, 403);
      // Where the patch puts a new item is the strategic merge's business: compared as sets.
      assert.deepEqual({ ...seen[1], after: (seen[1]?.after as string[]).sort() }, { sub: 'ephemeralcontainers', before: ['one'], after: ['forbidden', 'one'], labels: { a: '1' } });
      assert.deepEqual(names((await h.req('GET', `${P}/p`)).body as KubeObject), ['one']);
    } finally {
      await h.close();
    }
  });
});

/** Polls `cond` every 50 ms until it holds; fails after 10 s. */
async function poll(what: string, cond: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
