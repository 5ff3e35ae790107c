/**
 * The real kubectl (the dispatcher, 1.27 and 1.33) against `skiff server` with
 * HorizontalPodAutoscalers in autoscaling/v2 and v1: one stored object, each client in
 * its version — apply of a v2 manifest with a memory metric and behavior, reads in both
 * versions (v1 carrying the v2-only fields in upstream's annotations), `kubectl get hpa`
 * columns, `kubectl explain` of v2 fields, discovery preferring v2, a v1 watch seeing a v2
 * change, and managedFields naming the version each manager wrote in.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startKubectl, startTestServer, waitFor, type KubectlResult, type KubectlVersion, type TestServer } from './support/index.js';

let server: TestServer | undefined;
let cacheDir = '';
before(async () => {
  if (kubectlMissing()) return;
  server = await startTestServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'skiff-hpa-v2-kcache-'));
});
after(async () => {
  await server?.stop();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

const k = (args: readonly string[], opts: { version?: KubectlVersion; stdin?: string } = {}): Promise<KubectlResult> =>
  kubectl(args, { kubeconfig: server!.kubeconfigPath, ...(opts.version ? { version: opts.version } : { cacheDir }), ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) });

async function ok(args: readonly string[], opts: { version?: KubectlVersion; stdin?: string } = {}): Promise<string> {
  const r = await k(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const V1 = 'horizontalpodautoscalers.v1.autoscaling';
const V2 = 'horizontalpodautoscalers.v2.autoscaling';

const manifest = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'mem', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mem' },
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }],
    behavior: { scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] } },
  },
};

test('kubectl apply of a v2 HPA; read back as v2 (defaulted) and as v1 (annotations)', { skip: kubectlMissing() }, async () => {
  assert.match(await ok(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) }), /horizontalpodautoscaler\.autoscaling\/mem created/);

  const v2 = JSON.parse(await ok(['get', V2, 'mem', '-o', 'json']));
  assert.equal(v2.apiVersion, 'autoscaling/v2');
  assert.deepEqual(v2.spec.metrics, manifest.spec.metrics);
  assert.deepEqual(v2.spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] },
  });
  assert.equal(v2.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics'], undefined);

  const v1 = JSON.parse(await ok(['get', V1, 'mem', '-o', 'json']));
  assert.equal(v1.apiVersion, 'autoscaling/v1');
  assert.deepEqual(v1.spec, { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mem' }, minReplicas: 1, maxReplicas: 5 });
  assert.deepEqual(v1.status, { currentReplicas: 0, desiredReplicas: 0 });
  const ann = v1.metadata.annotations;
  assert.equal(ann['autoscaling.alpha.kubernetes.io/metrics'], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]');
  assert.equal(
    ann['autoscaling.alpha.kubernetes.io/behavior'],
    '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":30}]}}',
  );
  // kubectl.kubernetes.io/last-applied-configuration (the v2 manifest) rides along in both.
  assert.ok(ann['kubectl.kubernetes.io/last-applied-configuration']);
});

test('kubectl get hpa prints the v2 columns with every kubectl', { skip: kubectlMissing() }, async () => {
  await ok(['apply', '-f', '-'], {
    stdin: JSON.stringify({ ...manifest, metadata: { name: 'cpu', namespace: 'default' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] } }),
  });
  for (const version of [undefined, '1.27', '1.33'] as const) {
    if (version && kubectlMissing(version)) continue;
    const rows = (await ok(['get', 'hpa'], version ? { version } : {})).trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(rows[0], ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'], `kubectl ${version ?? 'dispatcher'}`);
    const byName = new Map(rows.slice(1).map((r) => [r[0], r.slice(1, 6)]));
    assert.deepEqual(byName.get('cpu'), ['Deployment/web', 'cpu: <unknown>/50%', '1', '3', '0'], `kubectl ${version ?? 'dispatcher'}`);
    assert.deepEqual(byName.get('mem'), ['Deployment/mem', 'memory: <unknown>/100Mi', '1', '5', '0'], `kubectl ${version ?? 'dispatcher'}`);
  }
  // The v1 Table shows the annotation's metrics too, as upstream prints a converted v1 object.
  const v1Rows = (await ok(['get', V1, 'mem', '--no-headers'])).trim().split(/\s{2,}/);
  assert.equal(v1Rows[2], 'memory: <unknown>/100Mi');
});

test('discovery lists both versions, v2 preferred; kubectl explain reads the v2 schema', { skip: kubectlMissing() }, async () => {
  const versions = (await ok(['api-versions'])).split('\n');
  assert.ok(versions.includes('autoscaling/v1') && versions.includes('autoscaling/v2'), versions.join(' '));
  const resources = await ok(['api-resources', '--api-group=autoscaling', '--no-headers']);
  assert.match(resources, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
  const group = JSON.parse(await ok(['get', '--raw', '/apis/autoscaling']));
  assert.deepEqual(group.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });

  const metrics = await ok(['explain', 'hpa.spec.metrics', '--api-version=autoscaling/v2']);
  assert.match(metrics, /GROUP:\s+autoscaling/);
  assert.match(metrics, /VERSION:\s+v2/);
  assert.match(metrics, /FIELD: metrics <\[\]MetricSpec>/);
  assert.match(metrics, /containerResource\s+<ContainerResourceMetricSource>/);
  assert.match(metrics, /resource\s+<ResourceMetricSource>/);
  const behavior = await ok(['explain', 'hpa.spec.behavior.scaleDown.stabilizationWindowSeconds', '--api-version=autoscaling/v2']);
  assert.match(behavior, /FIELD: stabilizationWindowSeconds <integer>/);
  // The v1 schema is still there, without metrics.
  const v1 = await k(['explain', 'hpa.spec.metrics', '--api-version=autoscaling/v1']);
  assert.notEqual(v1.code, 0);
  assert.match(await ok(['explain', 'hpa.spec.targetCPUUtilizationPercentage', '--api-version=autoscaling/v1']), /<integer>/);
});

test('a v1 watch sees a change made through v2, in v1', { skip: kubectlMissing() }, async () => {
  const watch = startKubectl(server!.kubeconfigPath, ['get', V1, 'mem', '--watch', '-o', 'json', '--output-watch-events'], { cacheDir });
  try {
    const said = (e: unknown) => new Error(`${(e as Error).message}\nstdout: ${watch.out()}\nstderr: ${watch.err()}`);
    await waitFor('the initial event', async () => (/"type": ?"ADDED"/.test(watch.out()) ? true : undefined), 30_000).catch((e) => {
      throw said(e);
    });
    await ok(['patch', V2, 'mem', '--type', 'merge', '-p', '{"spec":{"maxReplicas":7}}']);
    const seen = await waitFor('the change, in v1', async () => {
      // One event per line, or pretty-printed ones: either way each starts a line with '{'.
      const events = watch.out().trim().split(/\n(?=\{)/).map((t) => JSON.parse(t) as { type: string; object: Record<string, any> });
      return events.find((e) => e.type === 'MODIFIED' && e.object.spec.maxReplicas === 7);
    }, 30_000);
    assert.equal(seen.object.apiVersion, 'autoscaling/v1');
    assert.match(seen.object.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics'], /memory/);
  } finally {
    await watch.stop();
  }
});

test('a v1 edit keeps the v2-only fields; managedFields record the version each manager wrote in', { skip: kubectlMissing() }, async () => {
  await ok(['patch', V1, 'mem', '--type', 'merge', '-p', '{"spec":{"minReplicas":2}}']);
  const v2 = JSON.parse(await ok(['get', V2, 'mem', '-o', 'json', '--show-managed-fields']));
  assert.equal(v2.spec.minReplicas, 2);
  assert.deepEqual(v2.spec.metrics, manifest.spec.metrics);
  assert.equal(v2.spec.behavior.scaleDown.stabilizationWindowSeconds, 60);
  const managers = (v2.metadata.managedFields as { manager: string; apiVersion: string; operation: string }[]).map((m) => `${m.manager} ${m.operation} ${m.apiVersion}`);
  assert.ok(managers.includes('kubectl-client-side-apply Update autoscaling/v2'), managers.join('\n'));
  assert.ok(managers.includes('kubectl-patch Update autoscaling/v1'), managers.join('\n'));
  assert.ok(managers.includes('kubectl-patch Update autoscaling/v2'), managers.join('\n'));
  const v1Patch = (v2.metadata.managedFields as { manager: string; apiVersion: string; fieldsV1: any }[]).find((m) => m.manager === 'kubectl-patch' && m.apiVersion === 'autoscaling/v1');
  assert.deepEqual(v1Patch?.fieldsV1, { 'f:spec': { 'f:minReplicas': {} } }, 'fields in the version written');
  // A v1 client replacing the whole object (read-modify-write) keeps them too.
  const v1 = JSON.parse(await ok(['get', V1, 'mem', '-o', 'json']));
  v1.spec.maxReplicas = 8;
  await ok(['replace', '-f', '-'], { stdin: JSON.stringify(v1) });
  const after = JSON.parse(await ok(['get', V2, 'mem', '-o', 'json']));
  assert.equal(after.spec.maxReplicas, 8);
  assert.deepEqual(after.spec.metrics, manifest.spec.metrics);
  assert.equal(after.spec.behavior.scaleDown.policies[0].periodSeconds, 30);
});
