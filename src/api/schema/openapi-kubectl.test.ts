/**
 * The OpenAPI documents as the real kubectl reads them: `kubectl explain` against a
 * loopback HTTP server that serves legacy discovery and our /openapi/v3 documents.
 * Skipped when kubectl is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiV3Document } from './openapi.js';
import { Registry, apiVersionOf } from '../registry.js';
import { GadgetKind } from './testdata.js';

const KUBECTL = '/usr/bin/kubectl';

/** An object the fake server holds, and the PATCH requests it received. */
interface Fake {
  path: string;
  object: Record<string, unknown>;
  patches: { contentType: string; body: string }[];
}

function serve(registry: Registry, fake?: Fake): Server {
  const gvs = registry.list();
  const docs = new Map(gvs.map((gv) => [gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`, JSON.stringify(openApiV3Document(gv))]));
  const resourceList = (gv: (typeof gvs)[number]) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(gv),
    resources: gv.kinds.map((k) => ({
      name: k.plural,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: k.verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      ...(k.shortNames ? { shortNames: k.shortNames } : {}),
    })),
  });
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/+/, '');
    const json = (body: unknown, code = 200) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (fake && url.pathname === fake.path) {
      if (req.method === 'GET') return json(fake.object);
      if (req.method === 'PATCH') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          fake.patches.push({ contentType: String(req.headers['content-type']), body });
          json(fake.object);
        });
        return;
      }
    }
    if (path === 'version') return json({ major: '1', minor: '32', gitVersion: 'v1.32.0-skiff', platform: 'linux/amd64' });
    if (path === 'api') return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === 'apis')
      return json({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: gvs
          .filter((gv) => gv.group)
          .map((gv) => {
            const v = { groupVersion: apiVersionOf(gv), version: gv.version };
            return { name: gv.group, versions: [v], preferredVersion: v };
          }),
      });
    const gv = gvs.find((g) => path === (g.group ? `apis/${g.group}/${g.version}` : `api/${g.version}`));
    if (gv) return json(resourceList(gv));
    if (path === 'openapi/v3') {
      const paths: Record<string, unknown> = {};
      for (const key of docs.keys()) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=0` };
      return json({ paths });
    }
    const doc = path.startsWith('openapi/v3/') ? docs.get(path.slice('openapi/v3/'.length)) : undefined;
    if (doc) return json(doc);
    json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }, 404);
  });
}

function kubectl(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `body` with a fake server and a kubeconfig pointing at it; cleans up after. */
async function withKubectl(registry: Registry, fake: Fake | undefined, body: (env: NodeJS.ProcessEnv, dir: string) => Promise<void>): Promise<void> {
  const server = serve(registry, fake);
  const dir = mkdtempSync(join(tmpdir(), 'skiff-openapi-'));
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') };
    await body(env, dir);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const skip = !existsSync(KUBECTL) && 'kubectl not installed';

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

    // Every kind of every group explains.
    for (const spec of registry.all()) {
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
  const fake: Fake = { path: '/apis/test.skiff.dev/v1/namespaces/default/gadgets/g1', object: live, patches: [] };
  await withKubectl(registry, fake, async (env, dir) => {
    const file = join(dir, 'g.json');
    writeFileSync(file, JSON.stringify(applied('one-changed')));
    const r = await kubectl(['apply', '-f', file], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.patches.length, 1);
    const patch = fake.patches[0]!;
    assert.equal(patch.contentType, 'application/strategic-merge-patch+json');
    const body = JSON.parse(patch.body) as { spec: Record<string, unknown> };
    // Merge by key: only part "a" is sent, with the order directive; a merge patch would resend the whole list.
    assert.deepEqual(body.spec, { '$setElementOrder/parts': [{ name: 'a' }, { name: 'b' }], parts: [{ image: 'one-changed', name: 'a' }] });
  });
});
