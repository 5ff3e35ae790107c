/**
 * The reviews auth proxies and webhooks send — SubjectAccessReview, LocalSubjectAccessReview,
 * TokenReview — created with the real kubectl against `skiff server` (RBAC on), answered
 * as kube-apiserver answers them; and `system:auth-delegator`, the role that lets an
 * account send them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, waitFor, type TestServer } from './support/index.js';

let server: TestServer;
const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-reviews-kcache-'));

const run = (args: string[], stdin?: string, version?: '1.27' | '1.33') =>
  kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir, ...(stdin ? { stdin } : {}), ...(version ? { version } : {}) });
const ok = async (args: string[], stdin?: string): Promise<string> => {
  const r = await run(args, stdin);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
/** Creates a review from JSON and returns what the server answered. */
const review = async (obj: unknown, ns?: string): Promise<Record<string, any>> =>
  JSON.parse(await ok(['create', '-f', '-', '-o', 'json', ...(ns ? ['-n', ns] : [])], JSON.stringify(obj))) as Record<string, any>;
const sar = (spec: Record<string, unknown>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
const tokenReview = (token: string, audiences?: string[]) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } });

describe('access and token reviews', { skip: kubectlMissing() }, () => {
  before(async () => {
    server = await startTestServer();
    await ok(['create', 'namespace', 'shop']);
    await ok(['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice', '-n', 'shop']);
    await ok(['create', 'serviceaccount', 'proxy', '-n', 'shop']);
  });
  after(async () => {
    await server?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('SubjectAccessReview answers for the user and groups it names', async () => {
    const asAlice = await waitFor('alice allowed by her binding', async () => {
      const r = await review(sar({ user: 'alice', resourceAttributes: { namespace: 'shop', verb: 'list', resource: 'pods' } }));
      return r.status?.allowed ? r : undefined;
    }, 10_000);
    assert.equal(asAlice.kind, 'SubjectAccessReview');
    assert.equal(asAlice.status.reason, 'RBAC: allowed by RoleBinding "alice-view/shop" of ClusterRole "view" to User "alice"');
    const denied = await review(sar({ user: 'alice', resourceAttributes: { namespace: 'shop', verb: 'delete', resource: 'pods' } }));
    assert.equal(denied.status.allowed, false);
    const elsewhere = await review(sar({ user: 'alice', resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } }));
    assert.equal(elsewhere.status.allowed, false);
    // Groups count as given: system:masters may do anything, a user alone gets only what is bound to it.
    assert.equal((await review(sar({ user: 'bob', groups: ['system:masters'], resourceAttributes: { verb: 'delete', resource: 'nodes' } }))).status.allowed, true);
    assert.equal((await review(sar({ user: 'bob', nonResourceAttributes: { verb: 'get', path: '/healthz' } }))).status.allowed, false, 'no system:authenticated is added');
    assert.equal((await review(sar({ user: 'bob', groups: ['system:authenticated'], nonResourceAttributes: { verb: 'get', path: '/healthz' } }))).status.allowed, true);
  });

  it('refuses malformed reviews with upstream\'s messages', async () => {
    const noUser = await run(['create', '-f', '-'], JSON.stringify(sar({ resourceAttributes: { verb: 'get', resource: 'pods' } })));
    assert.notEqual(noUser.code, 0);
    assert.match(noUser.stderr, /The SubjectAccessReview "" is invalid: spec\.user: Invalid value: "": at least one of user or group must be specified/);
    const lsar = { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'alice', resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } } };
    const mismatch = await run(['create', '-f', '-', '-n', 'shop'], JSON.stringify(lsar));
    assert.notEqual(mismatch.code, 0);
    assert.match(mismatch.stderr, /The LocalSubjectAccessReview "" is invalid: spec\.resourceAttributes\.namespace: Invalid value: "default": must match metadata\.namespace/);
    const local = await review({ ...lsar, spec: { ...lsar.spec, resourceAttributes: { ...lsar.spec.resourceAttributes, namespace: 'shop' } } }, 'shop');
    assert.deepEqual({ kind: local.kind, ns: local.metadata.namespace, allowed: local.status.allowed }, { kind: 'LocalSubjectAccessReview', ns: 'shop', allowed: true });
  });

  it('TokenReview authenticates service-account tokens for the audiences asked', async () => {
    const apiToken = (await ok(['create', 'token', 'proxy', '-n', 'shop'])).trim();
    const vaultToken = (await ok(['create', 'token', 'proxy', '-n', 'shop', '--audience', 'vault'])).trim();
    const r = await review(tokenReview(apiToken));
    assert.equal(r.status.authenticated, true);
    assert.equal(r.status.user.username, 'system:serviceaccount:shop:proxy');
    assert.deepEqual(r.status.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:shop']);
    assert.match(r.status.user.uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(r.status.audiences, ['https://kubernetes.default.svc.cluster.local']);

    const vault = await review(tokenReview(vaultToken, ['vault', 'other']));
    assert.deepEqual({ ok: vault.status.authenticated, audiences: vault.status.audiences }, { ok: true, audiences: ['vault'] });
    const wrongAudience = await review(tokenReview(vaultToken));
    assert.equal(wrongAudience.status.authenticated, undefined);
    assert.match(wrongAudience.status.error, /another audience/);
    const garbage = await review(tokenReview('not-a-token'));
    assert.equal(garbage.status.authenticated, undefined);
    assert.match(garbage.status.error, /invalid bearer token/);
    // The admin's static token names no audience: good for the API server only.
    const admin = await review(tokenReview(server.adminToken));
    assert.deepEqual({ ok: admin.status.authenticated, user: admin.status.user.username }, { ok: true, user: 'admin' });
    assert.equal((await review(tokenReview(server.adminToken, ['vault']))).status.authenticated, undefined);
  });

  it('system:auth-delegator lets an account send them; kubectl 1.27 and 1.33 create them too', async () => {
    const canI = async (what: string) => (await run(['auth', 'can-i', 'create', what, '--as=system:serviceaccount:shop:proxy'])).stdout.trim();
    assert.equal(await canI('tokenreviews'), 'no');
    await ok(['create', 'clusterrolebinding', 'proxy-delegator', '--clusterrole=system:auth-delegator', '--serviceaccount=shop:proxy']);
    await waitFor('the binding to apply', async () => ((await canI('tokenreviews')) === 'yes' ? true : undefined), 10_000);
    assert.equal(await canI('subjectaccessreviews.authorization.k8s.io'), 'yes');
    assert.equal(await canI('pods'), 'no');
    for (const v of ['1.27', '1.33'] as const) {
      if (kubectlMissing(v)) continue;
      const r = await run(['create', '-f', '-', '-o', 'jsonpath={.status.allowed}'], JSON.stringify(sar({ user: 'alice', resourceAttributes: { namespace: 'shop', verb: 'get', resource: 'pods' } })), v);
      assert.deepEqual({ code: r.code, out: r.stdout }, { code: 0, out: 'true' }, r.stderr);
    }
  });
});
