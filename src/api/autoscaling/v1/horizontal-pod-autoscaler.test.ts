import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HorizontalPodAutoscalerKind, type HorizontalPodAutoscaler } from './index.js';
import { renderFieldError } from '../../../machinery/field-errors.js';
import { decodeEnvelope, hasProtobufMagic } from '../../../machinery/protobuf-envelope.js';
import { applyDefaults, decodeObject, encodeObject, toTable, validateObject } from '../../schema/index.js';
import { kubectl, kubectlMissing, withKubectl, type HarnessRequest } from '../../schema/kubectl-harness.js';
import { f, kind, object, t, type SchemaFieldError } from '../../schema/dsl.js';
import { ObjectMetaSchema } from '../../meta/v1/index.js';
import { Registry } from '../../registry.js';

const render = (errs: readonly SchemaFieldError[]): string[] => errs.map(renderFieldError);
const now = new Date('2026-01-01T01:00:00Z');

/** What `kubectl autoscale deployment web --min=1 --max=3 --cpu-percent=50` sends (kubectl 1.27–1.32). */
const hpa = (): HorizontalPodAutoscaler => ({
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
  status: { currentReplicas: 0, desiredReplicas: 0 },
});

const rows = (objs: HorizontalPodAutoscaler[]) => {
  const table = toTable(HorizontalPodAutoscalerKind, objs, { now }) as {
    columnDefinitions: Array<{ name: string; type: string; priority: number }>;
    rows: Array<{ cells: unknown[] }>;
  };
  return { columns: table.columnDefinitions.map((c) => `${c.name}:${c.type}`), cells: table.rows.map((r) => r.cells) };
};

test('HPA v1: resource names, subresources and discovery facts', () => {
  const k = HorizontalPodAutoscalerKind;
  assert.deepEqual([k.group, k.version, k.plural, k.singular, k.shortNames, k.categories, k.namespaced], [
    'autoscaling', 'v1', 'horizontalpodautoscalers', 'horizontalpodautoscaler', ['hpa'], ['all'], true,
  ]);
  assert.deepEqual(k.subresources, { status: true });
  const spec = k.schema.fields.spec?.type;
  assert.ok(spec?.kind === 'object');
  assert.deepEqual(Object.entries(spec.ref().fields).map(([n, fl]) => `${n}=${fl.proto}`), [
    'scaleTargetRef=1', 'minReplicas=2', 'maxReplicas=3', 'targetCPUUtilizationPercentage=4',
  ]);
});

test('HPA v1: minReplicas defaults to 1, the CPU target to 80%; status always has both replica counts', () => {
  const h: HorizontalPodAutoscaler = { metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 2 } };
  applyDefaults(HorizontalPodAutoscalerKind, h);
  assert.equal(h.spec?.minReplicas, 1);
  assert.deepEqual(h.status, { currentReplicas: 0, desiredReplicas: 0 });
  assert.equal(h.spec?.targetCPUUtilizationPercentage, 80);
  const again = structuredClone(h);
  applyDefaults(HorizontalPodAutoscalerKind, again);
  assert.deepEqual(again, h);
  assert.deepEqual(validateObject(HorizontalPodAutoscalerKind, h), []);
});

test('HPA v1: validation with upstream messages', () => {
  assert.deepEqual(validateObject(HorizontalPodAutoscalerKind, hpa()), []);
  const bad = hpa();
  bad.spec = { scaleTargetRef: { kind: '', name: 'a/b' }, minReplicas: 0, maxReplicas: 0, targetCPUUtilizationPercentage: 0 };
  assert.deepEqual(render(validateObject(HorizontalPodAutoscalerKind, bad)), [
    'spec.minReplicas: Invalid value: 0: must be greater than 0',
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.scaleTargetRef.kind: Required value',
    "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'",
    'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
  ]);
  const inverted = hpa();
  inverted.spec = { ...inverted.spec, minReplicas: 5, maxReplicas: 3 };
  assert.deepEqual(render(validateObject(HorizontalPodAutoscalerKind, inverted)), [
    'spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`',
  ]);
  // Without spec at all: maxReplicas reads as 0 and the reference is missing, as in Go.
  assert.deepEqual(render(validateObject(HorizontalPodAutoscalerKind, { metadata: { name: 'x' } })), [
    'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    'spec.scaleTargetRef.kind: Required value',
    'spec.scaleTargetRef.name: Required value',
  ]);
});

test('HPA v1: columns NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE, as kubectl get hpa prints them', () => {
  const measured = hpa();
  measured.metadata = { ...measured.metadata, name: 'measured' };
  measured.status = { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 37 };
  const bare = hpa();
  bare.metadata = { ...bare.metadata, name: 'bare' };
  bare.spec = { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, maxReplicas: 4 };
  const { columns, cells } = rows([hpa(), measured, bare]);
  assert.deepEqual(columns, ['Name:string', 'Reference:string', 'Targets:string', 'MinPods:string', 'MaxPods:integer', 'Replicas:integer', 'Age:string']);
  assert.deepEqual(cells, [
    ['web', 'Deployment/web', 'cpu: <unknown>/50%', '1', 3, 0, '60m'],
    ['measured', 'Deployment/web', 'cpu: 37%/50%', '1', 3, 2, '60m'],
    ['bare', 'StatefulSet/db', '<none>', '<unset>', 4, 0, '60m'],
  ]);
});

test('HPA v1: protobuf round trip keeps explicit zeros Go writes', () => {
  const h = hpa();
  assert.deepEqual(decodeObject(HorizontalPodAutoscalerKind, encodeObject(HorizontalPodAutoscalerKind, h)), h);
});

/**
 * Discovery stand-ins for the Deployment kubectl autoscale reads first, and for its scale
 * subresource (kubectl refuses targets whose `<resource>/scale` is not in discovery).
 */
function withDeployments(registry: Registry): Registry {
  for (const [kindName, plural] of [['Deployment', 'deployments'], ['Scale', 'deployments/scale']] as const) {
    const schema = object(kindName, 'A stand-in for discovery.', { metadata: f(1, t.object(() => ObjectMetaSchema), 'Metadata.') });
    registry.add(kind({ group: 'apps', version: 'v1', kind: kindName, plural, singular: '', namespaced: true, schema, printerColumns: [] }));
  }
  return registry;
}

test('kubectl autoscale: the protobuf body decodes to the JSON kubectl prints for it', { skip: kubectlMissing }, async () => {
  const registry = withDeployments(new Registry());
  const posts: HarnessRequest[] = [];
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '1' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
  };
  const handle = (req: HarnessRequest) => {
    if (req.method === 'GET' && req.path.endsWith('/deployments/web')) return { status: 200, body: deployment };
    if (req.method !== 'POST') return undefined;
    posts.push(req);
    const { raw } = decodeEnvelope(req.body);
    return { status: 201, body: decodeObject(HorizontalPodAutoscalerKind, raw) };
  };
  await withKubectl(registry, handle, async (env) => {
    const args = ['autoscale', 'deployment', 'web', '--min=1', '--max=3', '--cpu-percent=50', '-n', 'default'];
    const dry = await kubectl([...args, '--dry-run=client', '-o', 'json'], env);
    assert.equal(dry.code, 0, dry.stderr);
    const expected = JSON.parse(dry.stdout) as Record<string, unknown> & { metadata: Record<string, unknown> };
    delete expected.metadata['creationTimestamp']; // null: Go's zero time
    const real = await kubectl(args, env);
    assert.equal(real.code, 0, real.stderr);
    assert.equal(posts.length, 1);
    const post = posts[0]!;
    assert.equal(post.contentType, 'application/vnd.kubernetes.protobuf');
    assert.ok(post.path.startsWith('/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers'), post.path);
    assert.ok(hasProtobufMagic(post.body));
    const env_ = decodeEnvelope(post.body);
    assert.deepEqual([env_.apiVersion, env_.kind], ['autoscaling/v1', 'HorizontalPodAutoscaler']);
    assert.deepEqual(decodeObject(HorizontalPodAutoscalerKind, env_.raw), expected);
    assert.deepEqual(expected['spec'], { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 });
  });
});
