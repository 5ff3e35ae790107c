/**
 * Table output as the real kubectl prints it (`kubectl get`, `-o wide`, `-A`,
 * `--show-labels`), served from toTable by a loopback server. Skipped without kubectl.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../registry.js';
import { toTable } from './table.js';
import { GadgetKind } from './testdata.js';
import { NamespaceKind } from '../core/v1/namespace.js';
import { kubectl, kubectlMissing, withKubectl, type HarnessRequest } from './kubectl-harness.js';

const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString().replace(/\.\d+Z$/, 'Z');

test('kubectl get prints our Tables', { skip: kubectlMissing }, async () => {
  const registry = new Registry();
  registry.add(GadgetKind);
  const namespaces = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: ago(3 * 3600_000 + 5 * 60_000) }, status: { phase: 'Active' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old', creationTimestamp: ago(40 * 86400_000) }, status: { phase: 'Terminating' } },
  ];
  const gadgets = [
    { apiVersion: 'test.skiff.dev/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'a', labels: { app: 'web' }, creationTimestamp: ago(90_000) }, spec: { replicas: 2, nodeName: 'n1' } },
    { apiVersion: 'test.skiff.dev/v1', kind: 'Gadget', metadata: { name: 'g2', namespace: 'b', creationTimestamp: ago(7 * 60_000) }, spec: {} },
  ];
  const handle = (req: HarnessRequest) => {
    if (req.method !== 'GET') return undefined;
    if (req.path === '/api/v1/namespaces') return { status: 200, body: toTable(NamespaceKind, namespaces, { now, listMeta: { resourceVersion: '9' } }) };
    if (req.path === '/apis/test.skiff.dev/v1/gadgets') return { status: 200, body: toTable(GadgetKind, gadgets, { now, listMeta: { resourceVersion: '9' } }) };
    return undefined;
  };
  await withKubectl(registry, handle, async (env) => {
    const ns = await kubectl(['get', 'namespaces'], env);
    assert.equal(ns.code, 0, ns.stderr);
    assert.deepEqual(lines(ns.stdout), [
      ['NAME', 'STATUS', 'AGE'],
      ['default', 'Active', '3h5m'],
      ['old', 'Terminating', '40d'],
    ]);
    const wide = await kubectl(['get', 'gadgets', '-A', '-o', 'wide', '--show-labels'], env);
    assert.equal(wide.code, 0, wide.stderr);
    assert.deepEqual(lines(wide.stdout), [
      ['NAMESPACE', 'NAME', 'REPLICAS', 'NODE', 'AGE', 'LABELS'],
      ['a', 'g1', '2', 'n1', '90s', 'app=web'],
      ['b', 'g2', '7m', '<none>'], // null cells print blank (as for a CRD column with no value)
    ]);
    const narrow = await kubectl(['get', 'gadgets', '-A'], env);
    assert.deepEqual(lines(narrow.stdout)[0], ['NAMESPACE', 'NAME', 'REPLICAS', 'AGE'], 'priority-1 columns only with -o wide');
  });
});

const lines = (out: string): string[][] =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
