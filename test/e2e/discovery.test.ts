/**
 * Discovery against the real kubectl (the gcloud dispatcher, and 1.27 / 1.33 directly)
 * and @kubernetes/client-node, with `skiff server` running as a child process.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from '../../src/api/registry.js';
import { kubectl, kubectlMissing, startTestServer, type KubectlVersion, type TestServer } from './support/index.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

const run = (args: string[], version?: KubectlVersion) =>
  kubectl(args, { kubeconfig: server.kubeconfigPath, ...(version ? { version } : {}) });

// The group versions skiff serves, as kubectl api-versions prints them.
const expectedApiVersions = (): string[] =>
  new Registry()
    .list()
    .map((gv) => (gv.group ? `${gv.group}/${gv.version}` : gv.version))
    .sort();

for (const version of [undefined, '1.27', '1.28', '1.29', '1.30', '1.31', '1.33'] as const) {
  const who = version ? `kubectl ${version}` : 'kubectl (dispatcher)';

  // The versions between are checked through discovery only, to keep the suite short.
  const full = version === undefined || version === '1.27' || version === '1.33';

  if (full) test(`${who}: version reports the server as v1.32.4-skiff`, { skip: kubectlMissing(version) }, async () => {
    const r = await run(['version'], version);
    assert.equal(r.code, 0, r.stderr);
    if (version === '1.27') {
      assert.match(r.stdout, /^Server Version: version\.Info\{Major:"1", Minor:"32", GitVersion:"v1\.32\.4-skiff", /m);
    } else {
      assert.match(r.stdout, /^Server Version: v1\.32\.4-skiff$/m);
    }
    if (version === undefined) assert.match(r.stdout, /^Client Version: v1\.32\.4-dispatcher$/m);
  });

  if (full) test(`${who}: api-versions lists every served group version`, { skip: kubectlMissing(version) }, async () => {
    const r = await run(['api-versions'], version);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), expectedApiVersions());
  });

  test(`${who}: api-resources prints names, short names, versions, scope and kinds`, { skip: kubectlMissing(version) }, async () => {
    const r = await run(['api-resources'], version);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.match(r.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    for (const want of [
      'namespaces ns v1 false Namespace',
      'deployments deploy apps/v1 true Deployment',
      'replicasets rs apps/v1 true ReplicaSet',
      'customresourcedefinitions crd,crds apiextensions.k8s.io/v1 false CustomResourceDefinition',
      'leases coordination.k8s.io/v1 true Lease',
    ]) {
      assert.ok(lines.includes(want), `missing line "${want}" in:\n${r.stdout}`);
    }
  });
}

test('kubectl explain pod.spec.containers reads the OpenAPI v3 schemas', { skip: kubectlMissing() }, async (t) => {
  const registry = new Registry();
  if (!registry.byGroupVersionResource('', 'v1', 'pods')) {
    t.skip('the Pod kind is not registered yet');
    return;
  }
  const r = await run(['explain', 'pod.spec.containers']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^KIND:\s+Pod$/m);
  assert.match(r.stdout, /^VERSION:\s+v1$/m);
  assert.match(r.stdout, /^FIELD:\s+containers <\[\]Container>$/m);
  assert.match(r.stdout, /^\s+image\s+<string>$/m);
});

test('kubectl explain namespace reads the OpenAPI v3 schemas', { skip: kubectlMissing() }, async () => {
  const r = await run(['explain', 'namespace.spec']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^KIND:\s+Namespace$/m);
  assert.match(r.stdout, /^FIELD:\s+spec <NamespaceSpec>$/m);
  assert.match(r.stdout, /^\s+finalizers\s+<\[\]string>$/m);
});

test('kubectl 1.27 reads /openapi/v2 (protobuf): explain and client-side apply with strategic merge', { skip: kubectlMissing('1.27') }, async () => {
  const explain = await run(['explain', 'deployment.spec.template.spec.containers.env'], '1.27');
  assert.equal(explain.code, 0, explain.stderr);
  assert.match(explain.stdout, /^KIND:\s+Deployment$/m);
  assert.match(explain.stdout, /^FIELD:\s+env <\[\]EnvVar>$/m);
  const file = join(server.dataDir, 'web-127.yaml');
  const manifest = (value: string): string =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web-127, namespace: default}',
      'spec:',
      '  selector: {matchLabels: {app: web-127}}',
      '  template:',
      '    metadata: {labels: {app: web-127}}',
      `    spec: {containers: [{name: c, image: nginx, env: [{name: A, value: "${value}"}]}]}`,
      '',
    ].join('\n');
  writeFileSync(file, manifest('1'));
  const created = await run(['apply', '-f', file], '1.27');
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, 'deployment.apps/web-127 created\n');
  const setEnv = await run(['set', 'env', 'deployment/web-127', 'B=2'], '1.27');
  assert.equal(setEnv.code, 0, setEnv.stderr);
  writeFileSync(file, manifest('9'));
  const configured = await run(['apply', '-f', file], '1.27');
  assert.equal(configured.stdout, 'deployment.apps/web-127 configured\n', configured.stderr);
  // The patch merged env by name: A changed, B (set outside the file) kept.
  const env = await run(['get', 'deployment', 'web-127', '-o', 'jsonpath={.spec.template.spec.containers[0].env}'], '1.27');
  assert.deepEqual(JSON.parse(env.stdout), [{ name: 'A', value: '9' }, { name: 'B', value: '2' }]);
});

test('a bad token: kubectl says "You must be logged in to the server"', { skip: kubectlMissing() }, async () => {
  const kubeconfig = join(server.dataDir, 'bad-token.kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "${server.url}", certificate-authority: "${join(server.dataDir, 'tls', 'ca.crt')}"}}]`,
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
      'current-context: c',
      'users: [{name: u, user: {token: not-a-valid-token}}]',
      '',
    ].join('\n'),
  );
  // A resource request decodes the 401 Status.
  const raw = await kubectl(['get', '--raw', '/api/v1/namespaces'], { kubeconfig });
  assert.equal(raw.code, 1);
  assert.equal(raw.stderr.trim(), 'error: You must be logged in to the server (Unauthorized)');
  // Discovery failures are worded by client-go itself.
  const get = await kubectl(['get', 'namespaces'], { kubeconfig });
  assert.equal(get.code, 1);
  assert.match(get.stderr, /^error: You must be logged in to the server \(the server has asked for the client to provide credentials\)$/m);
});

test('@kubernetes/client-node reads /version and the API groups with the admin kubeconfig', async () => {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const version = await kc.makeApiClient(k8s.VersionApi).getCode();
  assert.equal(version.gitVersion, 'v1.32.4-skiff');
  assert.equal(version.minor, '32');
  const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
  const names = groups.groups.map((g) => g.name);
  assert.ok(names.includes('apps'), names.join(','));
  assert.equal(groups.groups.find((g) => g.name === 'apps')?.preferredVersion?.groupVersion, 'apps/v1');
  const core = await kc.makeApiClient(k8s.CoreApi).getAPIVersions();
  assert.deepEqual(core.versions, ['v1']);
});
