/**
 * The OpenAPI documents as the real kubectl reads them: `kubectl explain` and
 * `kubectl apply` against a loopback server (see kubectl-harness.ts). Skipped when
 * kubectl is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, apiVersionOf } from '../registry.js';
import { GadgetKind } from './testdata.js';
import { kubectl, kubectlMissing, withKubectl, type HarnessRequest, type ResourceHandler } from './kubectl-harness.js';

const skip = kubectlMissing;

test('kubectl explain reads our OpenAPI v3 documents', { skip }, async () => {
  const registry = new Registry();
  await withKubectl(registry, undefined, async (env) => {
    const ns = await kubectl(['explain', 'namespaces.status'], env);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /KIND:\s+Namespace/);
    assert.match(ns.stdout, /phase\s+<string>/);
    assert.match(ns.stdout, /conditions\s+<\[\]NamespaceCondition>/);
    assert.match(ns.stdout, /Active/, 'enum values are listed');

    const meta = await kubectl(['explain', 'namespaces.metadata.ownerReferences'], env);
    assert.equal(meta.code, 0, meta.stderr);
    assert.match(meta.stdout, /uid\s+<string> -required-/);

    // The first kind of every group/version explains (each run costs a kubectl start).
    for (const gv of registry.list()) {
      const spec = gv.kinds[0]!;
      const r = await kubectl(['explain', spec.plural, `--api-version=${apiVersionOf(spec)}`], env);
      assert.equal(r.code, 0, `${spec.kind}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`KIND:\\s+${spec.kind}`));
    }
  });
});

test('kubectl apply computes a strategic merge patch from our schemas (a kind it has no Go type for)', { skip }, async () => {
  const registry = new Registry();
  registry.add(GadgetKind);
  const applied = (image: string) => ({
    apiVersion: 'test.skiff.dev/v1',
    kind: 'Gadget',
    metadata: { name: 'g1', namespace: 'default' },
    spec: { parts: [{ name: 'a', image }, { name: 'b', image: 'two' }], tags: ['x'] },
  });
  const live = {
    ...applied('one'),
    metadata: {
      name: 'g1',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '5',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied('one')) + '\n' },
    },
  };
  const patches: HarnessRequest[] = [];
  const handle: ResourceHandler = (req) => {
    if (req.path !== '/apis/test.skiff.dev/v1/namespaces/default/gadgets/g1') return undefined;
    if (req.method === 'PATCH') patches.push(req);
    return { status: 200, body: live };
  };
  await withKubectl(registry, handle, async (env, dir) => {
    const file = join(dir, 'g.json');
    writeFileSync(file, JSON.stringify(applied('one-changed')));
    const r = await kubectl(['apply', '-f', file], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(patches.length, 1);
    const patch = patches[0]!;
    assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
    const body = JSON.parse(patch.body.toString()) as { spec: Record<string, unknown> };
    // Merge by key: only part "a" is sent, with the order directive; a merge patch would resend the whole list.
    assert.deepEqual(body.spec, { '$setElementOrder/parts': [{ name: 'a' }, { name: 'b' }], parts: [{ image: 'one-changed', name: 'a' }] });
  });
});
