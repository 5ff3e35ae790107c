/**
 * A subset of the everyday commands with the oldest and newest kubectl we support
 * (1.27 and 1.33), run directly rather than through the version dispatcher.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cells, kubectlHarnessFor, type KubectlHarness } from '../../src/apiserver/resources/kubectl-harness.js';
import { startTestServer } from './support/index.js';

const BIN = '/usr/lib/google-cloud-sdk/bin';
let h: KubectlHarness;
before(async () => {
  // A real `skiff server` child process (HTTP layer, resource layer, SQLite).
  const server = await startTestServer();
  h = kubectlHarnessFor(server);
});
after(async () => {
  await h?.stop();
});

for (const v of ['1.27', '1.33']) {
  const binary = `${BIN}/kubectl.${v}`;
  test(`kubectl ${v}: create, get, apply, label, patch, scale, delete`, { skip: !existsSync(binary) && `${binary} missing` }, async () => {
    const ok = async (args: string[]) => {
      const r = await h.kubectl(args, { binary });
      assert.equal(r.code, 0, `kubectl ${v} ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const ns = `v${v.replace('.', '')}`;
    assert.equal(await ok(['create', 'namespace', ns]), `namespace/${ns} created\n`);
    assert.equal(await ok(['create', 'configmap', 'c', '-n', ns, '--from-literal=a=b']), 'configmap/c created\n');
    assert.equal(await ok(['create', 'deployment', 'web', '-n', ns, '--image=nginx']), 'deployment.apps/web created\n');
    assert.deepEqual(cells(await ok(['get', 'cm', '-n', ns])), ['NAME DATA AGE', 'c 1 AGE']);
    const f = h.file(`${ns}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: ${ns}\ndata:\n  k: v\n`);
    if (v !== '1.27') {
      // kubectl 1.27's client-side apply insists on /openapi/v2 (protobuf), which the HTTP
      // layer does not serve yet (both client-side and server-side apply fail with 404 on
      // it); 1.28+ use /openapi/v3.
      assert.equal(await ok(['apply', '-f', f]), 'configmap/applied created\n');
      assert.equal(await ok(['apply', '-f', f]), 'configmap/applied unchanged\n');
    }
    assert.equal(await ok(['label', 'cm', 'c', '-n', ns, 'x=y']), 'configmap/c labeled\n');
    assert.equal(await ok(['patch', 'cm', 'c', '-n', ns, '-p', '{"data":{"a":"z"}}']), 'configmap/c patched\n');
    assert.equal(await ok(['get', 'cm', 'c', '-n', ns, '-o', 'jsonpath={.data.a}']), 'z');
    assert.equal(await ok(['scale', 'deploy', 'web', '-n', ns, '--replicas=3']), 'deployment.apps/web scaled\n');
    assert.equal(await ok(['delete', 'cm', 'c', '-n', ns]), 'configmap "c" deleted\n');
    const missing = await h.kubectl(['get', 'cm', 'c', '-n', ns], { binary });
    assert.equal(missing.stderr, 'Error from server (NotFound): configmaps "c" not found\n');
  });
}
