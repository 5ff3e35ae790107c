/**
 * The real kubectl against `skiff server` for HorizontalPodAutoscaler: `kubectl autoscale`
 * creates one (kubectl ≤ 1.32 through autoscaling/v1, protobuf from 1.32; 1.33 tries
 * autoscaling/v2 first and falls back to v1 on NotFound), and `kubectl get hpa` prints
 * upstream's columns. No controller runs: REPLICAS stays 0 and TARGETS shows <unknown>.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { kubectl, kubectlMissing, startTestServer, type KubectlResult, type KubectlVersion, type TestServer } from './support/index.js';

let server: TestServer | undefined;
before(async () => {
  if (!kubectlMissing()) server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

/** kubectl with the server's admin kubeconfig; the helper adds a fresh --cache-dir per call. */
const k = (args: readonly string[], version?: KubectlVersion): Promise<KubectlResult> =>
  kubectl(args, { kubeconfig: server!.kubeconfigPath, ...(version ? { version } : {}) });

async function ok(args: readonly string[], version?: KubectlVersion): Promise<string> {
  const r = await k(args, version);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** `kubectl get` output as rows of whitespace-separated cells (cells here hold no double spaces). */
const table = (out: string): string[][] => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

test('kubectl autoscale creates an HPA that kubectl get hpa prints', { skip: kubectlMissing() }, async () => {
  assert.equal((await ok(['create', 'deployment', 'web', '--image=nginx'])).trim(), 'deployment.apps/web created');
  assert.equal(
    (await ok(['autoscale', 'deployment', 'web', '--min=1', '--max=3', '--cpu-percent=50'])).trim(),
    'horizontalpodautoscaler.autoscaling/web autoscaled',
  );

  const rows = table(await ok(['get', 'hpa']));
  assert.deepEqual(rows[0], ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[1]!.slice(0, 6), ['web', 'Deployment/web', 'cpu: <unknown>/50%', '1', '3', '0']);
  assert.match(rows[1]![6]!, /^\d+s$/);

  // kubectl prefers autoscaling/v2 (as on Kubernetes 1.32): ask for the v1 view by name.
  const hpa = JSON.parse(await ok(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-o', 'json'])) as Record<string, any>;
  assert.equal(hpa['apiVersion'], 'autoscaling/v1');
  assert.equal(hpa['kind'], 'HorizontalPodAutoscaler');
  assert.equal(hpa['metadata'].name, 'web');
  assert.equal(hpa['metadata'].namespace, 'default');
  assert.deepEqual(hpa['spec'], {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 3,
    targetCPUUtilizationPercentage: 50,
  });

  // The short name, the `all` category and the full resource name all resolve.
  assert.match(await ok(['get', 'all']), /horizontalpodautoscaler\.autoscaling\/web\s+Deployment\/web\s+cpu: <unknown>\/50%/);
  assert.match(await ok(['get', 'horizontalpodautoscalers.autoscaling', '-o', 'name']), /^horizontalpodautoscaler\.autoscaling\/web$/m);

  // Validation reaches kubectl with upstream's wording.
  // (kubectl autoscale itself refuses --min above --max, so send a manifest.)
  const bad = await kubectl(['create', '-f', '-'], {
    kubeconfig: server!.kubeconfigPath,
    stdin: JSON.stringify({
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'bad' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 5, maxReplicas: 3 },
    }),
  });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /spec\.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`/);

  assert.match(await ok(['delete', 'hpa', 'web']), /horizontalpodautoscaler.autoscaling "web" deleted/);
});

for (const version of ['1.27', '1.33'] as const) {
  test(`kubectl ${version} autoscale works too`, { skip: kubectlMissing(version) }, async () => {
    const name = `web-${version.replace('.', '-')}`;
    await ok(['create', 'deployment', name, '--image=nginx']);
    const out = await ok(['autoscale', 'deployment', name, '--min=2', '--max=4', '--cpu-percent=70'], version);
    assert.equal(out.trim(), `horizontalpodautoscaler.autoscaling/${name} autoscaled`);
    const rows = table(await ok(['get', 'hpa', name], version));
    assert.deepEqual(rows[1]?.slice(0, 6), [name, `Deployment/${name}`, 'cpu: <unknown>/70%', '2', '4', '0']);
  });
}
