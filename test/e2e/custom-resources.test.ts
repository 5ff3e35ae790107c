/**
 * e2e: custom resources with the real kubectl against `skiff server`: a CRD is
 * Established, its kind shows in discovery and serves CRUD with its printer columns,
 * survives a server restart, and deleting the CRD deletes its objects and the kind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, waitFor, type TestServer } from './support/index.js';

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', shortNames: ['gd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } } } } },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      },
    ],
  },
};

describe('custom resources', { skip: kubectlMissing() }, () => {
  let server: TestServer;
  let cacheDir: string;
  const k = (args: string[], stdin?: string) => kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir, ...(stdin ? { stdin } : {}) });

  before(async () => {
    server = await startTestServer();
    cacheDir = mkdtempSync(join(tmpdir(), 'skiff-crd-kubectl-'));
  });
  after(async () => {
    await server?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('a CRD is Established, serves its kind with printer columns and discovery, and deleting it deletes its objects', async () => {
    const applied = await k(['apply', '-f', '-'], JSON.stringify(CRD));
    assert.equal(applied.code, 0, applied.stderr);
    const established = await k(['wait', '--for=condition=Established', 'crd/gadgets.example.com', '--timeout=30s']);
    assert.equal(established.code, 0, established.stderr);

    const created = await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1', namespace: 'default' }, spec: { size: 3, color: 'red' } }));
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'gadget.example.com/g1 created');
    const table = await k(['get', 'gd']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+SIZE\s*$/m);
    assert.match(table.stdout, /^g1\s+3\s*$/m);
    const resources = await k(['api-resources', '--api-group=example.com']);
    assert.match(resources.stdout, /^gadgets\s+gd\s+example\.com\/v1\s+true\s+Gadget\s*$/m);
    const patched = await k(['patch', 'gadget', 'g1', '--type=merge', '-p', '{"spec":{"size":5}}']);
    assert.equal(patched.code, 0, patched.stderr);
    assert.equal((await k(['get', 'gadget', 'g1', '-o', 'jsonpath={.spec.size}'])).stdout, '5');

    const deleted = await k(['delete', 'crd', 'gadgets.example.com']);
    assert.equal(deleted.code, 0, deleted.stderr);
    await waitFor('the CRD gone', async () => ((await k(['get', 'crd', 'gadgets.example.com'])).code !== 0 ? true : undefined), 30_000, 200);
    const gone = await k(['get', '--raw', '/apis/example.com/v1/namespaces/default/gadgets']);
    assert.notEqual(gone.code, 0, 'the kind is no longer served');

    // Re-created, it starts empty: the old objects went with the CRD.
    assert.equal((await k(['apply', '-f', '-'], JSON.stringify(CRD))).code, 0);
    assert.equal((await k(['wait', '--for=condition=Established', 'crd/gadgets.example.com', '--timeout=30s'])).code, 0);
    const list = await waitFor('gadgets served again', async () => {
      const r = await k(['get', '--raw', '/apis/example.com/v1/namespaces/default/gadgets']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { items: unknown[] }) : undefined;
    }, 30_000, 200);
    assert.deepEqual(list.items, []);
  });
  it('a CRD with two versions stores one and serves both; x-kubernetes-preserve-unknown-fields keeps what the schema does not name', async () => {
    const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { size: { type: 'integer', minimum: 0 } } } } };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: open } },
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: open } },
        ],
      },
    };
    const applied = await k(['apply', '-f', '-'], JSON.stringify(crd));
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s'])).code, 0);
    const created = await waitFor('the v1beta1 version served', async () => {
      const r = await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, extra: 'kept', spec: { size: 3, color: 'blue' } }));
      return r.code === 0 ? r : undefined;
    }, 20_000, 200);
    assert.equal(created.stdout.trim(), 'widget.example.com/w1 created');
    const asV1 = JSON.parse((await k(['get', 'widgets.v1.example.com', 'w1', '-o', 'json'])).stdout);
    assert.equal(asV1.apiVersion, 'example.com/v1');
    assert.deepEqual([asV1.extra, asV1.spec], ['kept', { size: 3, color: 'blue' }]);
    const asBeta = JSON.parse((await k(['get', 'widgets.v1beta1.example.com', 'w1', '-o', 'json'])).stdout);
    assert.equal(asBeta.apiVersion, 'example.com/v1beta1');
    // Declared fields are still validated.
    const bad = await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: 'default' }, spec: { size: -1 } }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec.size: Invalid value: -1/);
  });
});
