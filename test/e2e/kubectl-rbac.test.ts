/**
 * RBAC enforced by `skiff server` (its default --authorization-mode), seen through the
 * real kubectl: a service account can do nothing until bound, a RoleBinding to the
 * `view` ClusterRole lets it read its namespace only, a ClusterRoleBinding to `edit` lets
 * it create deployments anywhere; `kubectl auth can-i` tells the same story; the admin
 * (system:masters) is never affected.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, waitFor, type KubectlResult, type TestServer } from './support/index.js';

const SA = 'system:serviceaccount:team:robot';
let server: TestServer;
let robot: string;
const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-rbac-kcache-'));

const admin = async (args: string[]): Promise<string> => {
  const r = await kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const asRobot = (args: string[]): Promise<KubectlResult> => kubectl(args, { kubeconfig: robot, cacheDir: join(cacheDir, 'robot') });
/** `kubectl auth can-i` as the robot, through the admin's impersonation: 'yes' or 'no'. */
const canI = async (...args: string[]): Promise<string> => {
  const r = await kubectl(['auth', 'can-i', ...args, `--as=${SA}`], { kubeconfig: server.kubeconfigPath, cacheDir });
  return r.stdout.trim();
};
/** Polls until the robot's command succeeds (a new binding reaches the watch cache in milliseconds). */
const eventually = (what: string, args: string[]): Promise<KubectlResult> =>
  waitFor(what, async () => {
    const r = await asRobot(args);
    return r.code === 0 ? r : undefined;
  }, 20_000);

function tokenKubeconfig(token: string): string {
  const path = join(cacheDir, 'robot.kubeconfig');
  const cluster = { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64') };
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user: { token } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
  return path;
}

describe('RBAC with kubectl', { skip: kubectlMissing() }, () => {
  before(async () => {
    server = await startTestServer();
    await admin(['create', 'namespace', 'team']);
    await admin(['create', 'serviceaccount', 'robot', '-n', 'team']);
    robot = tokenKubeconfig((await admin(['create', 'token', 'robot', '-n', 'team'])).trim());
  });
  after(async () => {
    await server?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('the default roles and bindings exist, marked as upstream marks them', async () => {
    const roles = JSON.parse(await admin(['get', 'clusterroles', '-o', 'json'])).items.map((r: { metadata: { name: string } }) => r.metadata.name);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer']) assert.ok(roles.includes(name), name);
    const crb = JSON.parse(await admin(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json']));
    assert.deepEqual(crb.subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
    assert.equal(crb.metadata.labels['kubernetes.io/bootstrapping'], 'rbac-defaults');
    assert.equal(crb.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'], 'true');
  });

  it('an unbound service account is refused with upstream\'s message, and can-i says no', async () => {
    const r = await asRobot(['get', 'pods', '-n', 'team']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): pods is forbidden: User "system:serviceaccount:team:robot" cannot list resource "pods" in API group "" in the namespace "team"/);
    assert.equal(await canI('list', 'pods', '-n', 'team'), 'no');
    // Discovery and self-review are everyone's (system:discovery, system:basic-user).
    const self = await asRobot(['auth', 'can-i', 'create', 'selfsubjectaccessreviews']);
    assert.equal(self.stdout.trim(), 'yes', self.stderr);
  });

  it('a RoleBinding to view lets it read its namespace, and only that', async () => {
    await admin(['create', 'rolebinding', 'robot-view', '--clusterrole=view', '--serviceaccount=team:robot', '-n', 'team']);
    await eventually('the robot lists pods in team', ['get', 'pods', '-n', 'team']);
    assert.equal(await canI('list', 'pods', '-n', 'team'), 'yes');
    assert.equal(await canI('get', 'pods/log', '-n', 'team'), 'yes');
    assert.equal(await canI('list', 'pods', '-n', 'default'), 'no');
    assert.equal(await canI('list', 'secrets', '-n', 'team'), 'no');
    assert.equal(await canI('create', 'pods', '-n', 'team'), 'no');
    const elsewhere = await asRobot(['get', 'pods', '-n', 'default']);
    assert.match(elsewhere.stderr, /cannot list resource "pods" in API group "" in the namespace "default"/);
    // can-i --list from the account itself lists the view rules in its namespace.
    const list = await asRobot(['auth', 'can-i', '--list', '-n', 'team']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  });

  it('a ClusterRoleBinding to edit lets it create deployments', async () => {
    const denied = await asRobot(['create', 'deployment', 'web', '--image=registry.invalid/web', '-n', 'team']);
    assert.match(denied.stderr, /deployments.apps is forbidden: User "system:serviceaccount:team:robot" cannot create resource "deployments" in API group "apps" in the namespace "team"/);
    await admin(['create', 'clusterrolebinding', 'robot-edit', '--clusterrole=edit', '--serviceaccount=team:robot']);
    await eventually('the robot creates a deployment', ['create', 'deployment', 'web', '--image=registry.invalid/web', '-n', 'team']);
    assert.equal(await canI('create', 'deployments.apps', '-n', 'default'), 'yes');
    assert.equal(await canI('create', 'rolebindings', '-n', 'team'), 'no');
    assert.equal(await canI('list', 'nodes'), 'no');
  });

  it('the admin is unaffected', async () => {
    assert.match(await admin(['get', 'deployments', '-A']), /team\s+web/);
    assert.equal(await admin(['auth', 'can-i', '*', '*']).then((s) => s.trim()), 'yes');
    await admin(['delete', 'clusterrolebinding', 'cluster-admin']);
    assert.match(await admin(['get', 'namespaces']), /team/);
  });
});

describe('--authorization-mode AlwaysAllow', { skip: kubectlMissing() }, () => {
  it('lets any authenticated identity do anything (harnesses that test something else)', async () => {
    const open = await startTestServer({ args: ['--authorization-mode', 'AlwaysAllow'] });
    const dir = mkdtempSync(join(tmpdir(), 'skiff-rbac-open-'));
    try {
      const k = (args: string[], kubeconfig = open.kubeconfigPath) => kubectl(args, { kubeconfig, cacheDir: dir });
      assert.equal((await k(['create', 'serviceaccount', 'any'])).code, 0);
      const token = (await k(['create', 'token', 'any'])).stdout.trim();
      const path = join(dir, 'any.kubeconfig');
      const cluster = { server: open.url, 'certificate-authority-data': Buffer.from(open.caPem).toString('base64') };
      writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user: { token } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
      const r = await k(['get', 'secrets', '-A'], path);
      assert.equal(r.code, 0, r.stderr);
      const roles = await k(['get', 'clusterroles', '-o', 'name']);
      assert.equal(roles.stdout.trim(), '', 'no RBAC defaults are created in AlwaysAllow mode');
    } finally {
      await open.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
