import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { patchMetaFromTable, type PatchMetaTable } from './patch-meta.js';
import type { JsonObject } from './json-value.js';

// A literal subset of the built-in kinds' patch metadata (k8s.io/api struct tags).
const merge = (key?: string, items: PatchMetaTable = {}): PatchMetaTable => ({ patchStrategy: ['merge'], ...(key ? { patchMergeKey: key } : {}), items });
const objectMeta: PatchMetaTable = { fields: { finalizers: merge(), ownerReferences: merge('uid') } };
const container: PatchMetaTable = { fields: { ports: merge('containerPort'), env: merge('name'), volumeMounts: merge('mountPath') } };
const podSpec: PatchMetaTable = {
  fields: {
    containers: merge('name', container),
    initContainers: merge('name', container),
    volumes: { patchStrategy: ['merge', 'retainKeys'], patchMergeKey: 'name', items: {} },
    imagePullSecrets: merge('name'),
  },
};
const deploymentMeta = patchMetaFromTable({
  fields: {
    metadata: objectMeta,
    spec: {
      fields: {
        strategy: { patchStrategy: ['retainKeys'] },
        selector: { patchStrategy: ['replace'] },
        template: { fields: { metadata: objectMeta, spec: podSpec } },
      },
    },
  },
});
const configMapMeta = patchMetaFromTable({ fields: { metadata: objectMeta } });
const nodeMeta = patchMetaFromTable({ fields: { metadata: objectMeta, spec: { fields: { podCIDRs: merge() } } } });

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function dep1(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'nginx:1.24',
              env: [{ name: 'A', value: '1' }],
              ports: [{ containerPort: 80 }, { containerPort: 443 }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
            { name: 'side', image: 'busybox', command: ['sleep', 'infinity'] },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };
}

// The captured `kubectl apply` patch (dep1 → dep2), notes/kubectl-wire.md §4.
const applyPatch: JsonObject = {
  metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' } },
  spec: {
    replicas: 3,
    strategy: { type: 'Recreate' },
    template: {
      spec: {
        '$setElementOrder/containers': [{ name: 'main' }],
        '$setElementOrder/volumes': [{ name: 'data' }],
        containers: [
          {
            '$setElementOrder/env': [{ name: 'B' }],
            '$setElementOrder/ports': [{ containerPort: 8080 }],
            env: [{ name: 'B', value: '3' }, { $patch: 'delete', name: 'A' }],
            image: 'nginx:1.25',
            name: 'main',
            ports: [{ containerPort: 8080 }, { $patch: 'delete', containerPort: 443 }, { $patch: 'delete', containerPort: 80 }],
            volumeMounts: null,
          },
          { $patch: 'delete', name: 'side' },
        ],
        volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'demo' }, emptyDir: null, name: 'data' }],
      },
    },
  },
};

test('captured apply patch dep1 → dep2', () => {
  const original = dep1();
  const patch = clone(applyPatch);
  const got = applyStrategicMergePatch(original, patch, deploymentMeta);
  assert.deepEqual(got, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'main', image: 'nginx:1.25', env: [{ name: 'B', value: '3' }], ports: [{ containerPort: 8080 }] }],
          volumes: [{ name: 'data', configMap: { name: 'demo' } }],
        },
      },
    },
  });
  assert.deepEqual(original, dep1(), 'original untouched');
  assert.deepEqual(patch, applyPatch, 'patch untouched');
});

test('apply patch leaves a defaulted rollingUpdate in place (as upstream: no $retainKeys sent)', () => {
  const original = dep1();
  ((original['spec'] as JsonObject)['strategy'] as JsonObject)['rollingUpdate'] = { maxSurge: '25%', maxUnavailable: '25%' };
  const got = applyStrategicMergePatch(original, applyPatch, deploymentMeta);
  assert.deepEqual((got['spec'] as JsonObject)['strategy'], { type: 'Recreate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  const withRetain = applyStrategicMergePatch(original, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentMeta);
  assert.deepEqual((withRetain['spec'] as JsonObject)['strategy'], { type: 'Recreate' });
});

test('captured kubectl patches: finalizer removal, set image, rollout restart, cordon', () => {
  const cm = { kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['example.com/a', 'example.com/b'], annotations: { x: '1' } }, data: { k: 'v' } };
  assert.deepEqual(
    applyStrategicMergePatch(cm, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/b'], '$setElementOrder/finalizers': ['example.com/a'], annotations: { x: '2' } } }, configMapMeta),
    { kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['example.com/a'], annotations: { x: '2' } }, data: { k: 'v' } },
  );

  const dep = { spec: { replicas: 2, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] } } } };
  assert.deepEqual(
    applyStrategicMergePatch(dep, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] } } } }, deploymentMeta),
    { spec: { replicas: 2, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26', ports: [{ containerPort: 80 }] }] } } } },
  );

  assert.deepEqual(
    applyStrategicMergePatch(dep, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T16:10:47Z' } } } } }, deploymentMeta),
    { spec: { replicas: 2, template: { metadata: { labels: { app: 'nginx' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T16:10:47Z' } }, spec: dep.spec.template.spec } } },
  );

  const node = { kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '198.18.0.0/24', podCIDRs: ['198.18.0.0/24'] } };
  assert.deepEqual(applyStrategicMergePatch(node, { spec: { unschedulable: true } }, nodeMeta), {
    kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '198.18.0.0/24', podCIDRs: ['198.18.0.0/24'], unschedulable: true },
  });
});

// Cases from upstream's strategicpatch tests (current + three-way patch → result).
test('without metadata: maps merge, lists are replaced', () => {
  const got = applyStrategicMergePatch({ a: { b: 1 }, l: [1, 2] }, { a: { c: 2 }, l: [3] }, undefined);
  assert.deepEqual(got, { a: { b: 1, c: 2 }, l: [3] });
});

test('large lists merge in near-linear time (guards against quadratic-or-worse ordering)', () => {
  const meta = patchMetaFromTable({ fields: { env: { patchStrategy: ['merge'], patchMergeKey: 'name', items: {} }, ints: { patchStrategy: ['merge'] } } });
  const n = 2000;
  const env = Array.from({ length: n }, (_, i) => ({ name: `E${i}`, value: String(i) }));
  const patch: JsonObject = {
    '$setElementOrder/env': [...env].reverse().map((e) => ({ name: e.name })),
    env: env.filter((_, i) => i % 2 === 0).reverse().map((e) => ({ name: e.name, value: 'x' })),
    '$setElementOrder/ints': [n + 1, ...Array.from({ length: n }, (_, i) => n - 1 - i)],
    ints: [n + 1],
  };
  const started = performance.now();
  const got = applyStrategicMergePatch({ env, ints: Array.from({ length: n }, (_, i) => i) }, patch, meta);
  const ms = performance.now() - started;
  const gotEnv = got['env'] as JsonObject[];
  assert.equal(gotEnv.length, n);
  assert.deepEqual(gotEnv[0], { name: `E${n - 1}`, value: String(n - 1) });
  assert.deepEqual(gotEnv[1], { name: `E${n - 2}`, value: 'x' });
  assert.deepEqual((got['ints'] as number[]).slice(0, 3), [n + 1, n - 1, n - 2]);
  assert.ok(ms < 5000, `took ${Math.round(ms)} ms`);
});
