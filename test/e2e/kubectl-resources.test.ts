/**
 * The real kubectl (1.32 through the dispatcher) against a real API server with this
 * resource layer: exact outputs of the everyday commands.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cells, kubectlHarnessFor, type KubectlHarness } from '../../src/apiserver/resources/kubectl-harness.js';
import { startTestServer } from './support/index.js';

let h: KubectlHarness;
before(async () => {
  // A real `skiff server` child process (HTTP layer, resource layer, SQLite).
  const server = await startTestServer();
  h = kubectlHarnessFor(server);
});
after(async () => {
  await h?.stop();
});

async function ok(args: string[], opts: Parameters<KubectlHarness['kubectl']>[1] = {}): Promise<string> {
  const r = await h.kubectl(args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

test('create namespace / configmap / secret / deployment (protobuf bodies)', async () => {
  assert.equal(await ok(['create', 'namespace', 'e2e']), 'namespace/e2e created\n');
  assert.equal(await ok(['create', 'configmap', 'cfg', '-n', 'e2e', '--from-literal=a=1', '--from-literal=b=2']), 'configmap/cfg created\n');
  assert.equal(await ok(['create', 'secret', 'generic', 'sec', '-n', 'e2e', '--from-literal=pw=s3cret']), 'secret/sec created\n');
  assert.equal(await ok(['create', 'deployment', 'web', '-n', 'e2e', '--image=nginx:1.25', '--replicas=2']), 'deployment.apps/web created\n');
  const dup = await h.kubectl(['create', 'namespace', 'e2e']);
  assert.equal(dup.code, 1);
  assert.equal(dup.stderr, 'Error from server (AlreadyExists): namespaces "e2e" already exists\n');
  const secret = JSON.parse(await ok(['get', 'secret', 'sec', '-n', 'e2e', '-o', 'json']));
  assert.deepEqual(secret.data, { pw: Buffer.from('s3cret').toString('base64') });
  assert.equal(secret.type, 'Opaque');
  const ns = JSON.parse(await ok(['get', 'namespace', 'e2e', '-o', 'json']));
  assert.equal(ns.status.phase, 'Active');
  assert.deepEqual(cells(await ok(['get', 'configmap', '-n', 'e2e'])), ['NAME DATA AGE', 'cfg 2 AGE']);
  assert.deepEqual(cells(await ok(['get', 'deploy', '-n', 'e2e', '-o', 'wide'])), [
    'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR',
    'web 0/2 0 0 AGE nginx nginx:1.25 app=web',
  ]);
});

test('get: -o yaml/json/name, -A, -l, --field-selector, --show-labels, --sort-by, missing', async () => {
  await ok(['create', 'namespace', 'g']);
  for (const [n, v] of [['b', '2'], ['a', '3'], ['c', '1']] as const) {
    await ok(['create', 'configmap', n, '-n', 'g', `--from-literal=k=${v}`]);
    await ok(['label', 'configmap', n, '-n', 'g', `tier=${n === 'c' ? 'back' : 'front'}`, `order=${v}`]);
  }
  assert.equal(await ok(['get', 'cm', '-n', 'g', '-o', 'name']), 'configmap/a\nconfigmap/b\nconfigmap/c\n');
  assert.deepEqual(cells(await ok(['get', 'cm', '-n', 'g', '-l', 'tier=front'])), ['NAME DATA AGE', 'a 1 AGE', 'b 1 AGE']);
  assert.deepEqual(cells(await ok(['get', 'cm', '-n', 'g', '--field-selector', 'metadata.name!=a'])), ['NAME DATA AGE', 'b 1 AGE', 'c 1 AGE']);
  assert.deepEqual(cells(await ok(['get', 'cm', '-n', 'g', '--show-labels', '-l', 'tier'])), [
    'NAME DATA AGE LABELS',
    'a 1 AGE order=3,tier=front',
    'b 1 AGE order=2,tier=front',
    'c 1 AGE order=1,tier=back',
  ]);
  assert.deepEqual(cells(await ok(['get', 'cm', '-n', 'g', '--sort-by=.metadata.labels.order', '-o', 'name'])), ['configmap/c', 'configmap/b', 'configmap/a']);
  const all = cells(await ok(['get', 'cm', '-A', '-l', 'tier=back']));
  assert.deepEqual(all, ['NAMESPACE NAME DATA AGE', 'g c 1 AGE']);
  const yaml = await ok(['get', 'cm', 'a', '-n', 'g', '-o', 'yaml']);
  assert.match(yaml, /^apiVersion: v1\ndata:\n {2}k: "3"\nkind: ConfigMap\nmetadata:\n {2}creationTimestamp: "[^"]+"\n {2}labels:\n {4}order: "3"\n {4}tier: front\n {2}name: a\n {2}namespace: g\n {2}resourceVersion: "\d+"\n {2}uid: [0-9a-f-]{36}\n$/);
  const json = JSON.parse(await ok(['get', 'cm', '-n', 'g', '-o', 'json']));
  assert.equal(json.kind, 'List');
  assert.deepEqual(json.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a', 'b', 'c']);
  const missing = await h.kubectl(['get', 'cm', 'nope', '-n', 'g']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): configmaps "nope" not found\n');
  const badField = await h.kubectl(['get', 'cm', '-n', 'g', '--field-selector', 'data.k=1']);
  assert.equal(badField.code, 1);
  assert.match(badField.stderr, /^Error from server \(BadRequest\): Unable to find .*field label not supported: data\.k\n$/);
});

test('apply -f of a multi-document file: created, configured, unchanged; then --server-side', async () => {
  const doc = (v: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ap
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: one
  namespace: ap
data:
  k: "${v}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: ap
spec:
  replicas: 1
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: main
        image: busybox:${v}
        env:
        - {name: A, value: "1"}
`;
  const f1 = h.file('apply1.yaml', doc('1'));
  assert.equal(await ok(['apply', '-f', f1]), 'namespace/ap created\nconfigmap/one created\ndeployment.apps/app created\n');
  const f2 = h.file('apply2.yaml', doc('2'));
  assert.equal(await ok(['apply', '-f', f2]), 'namespace/ap unchanged\nconfigmap/one configured\ndeployment.apps/app configured\n');
  assert.equal(await ok(['apply', '-f', f2]), 'namespace/ap unchanged\nconfigmap/one unchanged\ndeployment.apps/app unchanged\n');
  const dep = JSON.parse(await ok(['get', 'deploy', 'app', '-n', 'ap', '-o', 'json']));
  assert.equal(dep.spec.template.spec.containers[0].image, 'busybox:2');
  assert.equal(dep.metadata.generation, 2);
  const ssa = h.file('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: ap\ndata:\n  x: "1"\n');
  assert.equal(await ok(['apply', '--server-side', '-f', ssa]), 'configmap/ssa serverside-applied\n');
  assert.equal(await ok(['apply', '--server-side', '-f', ssa]), 'configmap/ssa serverside-applied\n');
  const cm = JSON.parse(await ok(['get', 'cm', 'ssa', '-n', 'ap', '-o', 'json', '--show-managed-fields']));
  assert.equal(cm.metadata.managedFields[0].manager, 'kubectl');
  assert.equal(cm.metadata.managedFields[0].operation, 'Apply');
  const dry = await ok(['apply', '--dry-run=server', '-f', h.file('dry.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n  namespace: ap\n')]);
  assert.equal(dry, 'configmap/dry created (server dry run)\n');
  assert.equal((await h.kubectl(['get', 'cm', 'dry', '-n', 'ap'])).code, 1);
});

test('label, annotate, patch (strategic, merge, json), scale, edit', async () => {
  await ok(['create', 'namespace', 'p']);
  await ok(['create', 'deployment', 'd', '-n', 'p', '--image=nginx']);
  assert.equal(await ok(['label', 'deploy', 'd', '-n', 'p', 'env=test']), 'deployment.apps/d labeled\n');
  assert.equal(await ok(['annotate', 'deploy', 'd', '-n', 'p', 'note=hi']), 'deployment.apps/d annotated\n');
  assert.equal(await ok(['label', 'deploy', 'd', '-n', 'p', 'env-']), 'deployment.apps/d unlabeled\n');
  assert.equal(await ok(['patch', 'deploy', 'd', '-n', 'p', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}']), 'deployment.apps/d patched\n');
  assert.equal(await ok(['patch', 'deploy', 'd', '-n', 'p', '--type=merge', '-p', '{"spec":{"replicas":4}}']), 'deployment.apps/d patched\n');
  assert.equal(await ok(['patch', 'deploy', 'd', '-n', 'p', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/j","value":"k"}]']), 'deployment.apps/d patched\n');
  assert.equal(await ok(['patch', 'deploy', 'd', '-n', 'p', '--type=merge', '-p', '{"spec":{"replicas":4}}']), 'deployment.apps/d patched (no change)\n');
  const d = JSON.parse(await ok(['get', 'deploy', 'd', '-n', 'p', '-o', 'json']));
  assert.equal(d.spec.template.spec.containers.length, 1);
  assert.equal(d.spec.template.spec.containers[0].image, 'nginx:2');
  assert.equal(d.spec.replicas, 4);
  assert.deepEqual(d.metadata.labels, { app: 'd', j: 'k' });
  assert.equal(d.metadata.annotations.note, 'hi');
  assert.equal(await ok(['scale', 'deploy', 'd', '-n', 'p', '--replicas=2']), 'deployment.apps/d scaled\n');
  assert.equal(await ok(['get', 'deploy', 'd', '-n', 'p', '-o', 'jsonpath={.spec.replicas}']), '2');
  const stale = await h.kubectl(['scale', 'deploy', 'd', '-n', 'p', '--current-replicas=3', '--replicas=1']);
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /Expected replicas to be 3, was 2/);
  const editor = h.file('editor.sh', '#!/bin/sh\nsed -i "s/replicas: 2/replicas: 6/" "$1"\n');
  assert.equal(await ok(['edit', 'deploy', 'd', '-n', 'p'], { env: { EDITOR: editor } }), 'deployment.apps/d edited\n');
  assert.equal(await ok(['get', 'deploy', 'd', '-n', 'p', '-o', 'jsonpath={.spec.replicas}']), '6');
  const bad = await h.kubectl(['patch', 'deploy', 'd', '-n', 'p', '--type=merge', '-p', '{"spec":{"replicas":-1}}']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /The Deployment "d" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
});

test('describe and auth can-i', async () => {
  await ok(['create', 'namespace', 'ds']);
  await ok(['create', 'configmap', 'x', '-n', 'ds', '--from-literal=a=b']);
  const out = await ok(['describe', 'configmap', 'x', '-n', 'ds']);
  assert.match(out, /^Name: {9}x\nNamespace: {4}ds\nLabels: {7}<none>\nAnnotations: {2}<none>\n\nData\n====\na:\n----\nb\n/);
  assert.equal(await ok(['auth', 'can-i', 'create', 'pods']), 'yes\n');
});

test('get -w receives events; delete variants', async () => {
  await ok(['create', 'namespace', 'dl']);
  await ok(['create', 'configmap', 'w1', '-n', 'dl']);
  const watcher = spawn('kubectl', ['get', 'cm', '-n', 'dl', '-w', '--output-watch-events'], {
    env: { PATH: process.env.PATH ?? '', KUBECONFIG: h.kubeconfigPath, KUBECACHEDIR: `${h.dataDir}/kube-cache`, HOME: h.dataDir },
  });
  let out = '';
  watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const deadline = Date.now() + 20_000;
    const waitFor = async (re: RegExp) => {
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`watch output so far: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor(/ADDED\s+w1/);
    await ok(['create', 'configmap', 'w2', '-n', 'dl']);
    await waitFor(/ADDED\s+w2/);
    await ok(['label', 'cm', 'w2', '-n', 'dl', 'a=b']);
    await waitFor(/MODIFIED\s+w2/);
    assert.equal(await ok(['delete', 'cm', 'w2', '-n', 'dl']), 'configmap "w2" deleted\n');
    await waitFor(/DELETED\s+w2/);
  } finally {
    watcher.kill();
  }
  const missing = await h.kubectl(['delete', 'cm', 'nope', '-n', 'dl']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): configmaps "nope" not found\n');
  assert.equal(await ok(['delete', 'cm', 'nope', '-n', 'dl', '--ignore-not-found']), '');
  await ok(['create', 'configmap', 'o1', '-n', 'dl']);
  assert.equal(await ok(['delete', 'cm', 'o1', '-n', 'dl', '--cascade=orphan', '--wait=false']), 'configmap "o1" deleted\n');
  // Orphan adds the orphan finalizer; without a garbage collector the object waits with a deletionTimestamp.
  const o1 = JSON.parse(await ok(['get', 'cm', 'o1', '-n', 'dl', '-o', 'json']));
  assert.deepEqual(o1.metadata.finalizers, ['orphan']);
  assert.ok(o1.metadata.deletionTimestamp);
  await ok(['create', 'configmap', 'f1', '-n', 'dl']);
  await ok(['delete', 'cm', 'f1', '-n', 'dl', '--cascade=foreground', '--wait=false']);
  assert.deepEqual(JSON.parse(await ok(['get', 'cm', 'f1', '-n', 'dl', '-o', 'json'])).metadata.finalizers, ['foregroundDeletion']);
  // --wait returns once the object is gone: a finalizer removed while kubectl waits.
  await ok(['create', 'configmap', 'fin', '-n', 'dl']);
  await ok(['patch', 'cm', 'fin', '-n', 'dl', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
  const del = h.kubectl(['delete', 'cm', 'fin', '-n', 'dl', '--timeout=20s']);
  await new Promise((r) => setTimeout(r, 1000));
  await ok(['patch', 'cm', 'fin', '-n', 'dl', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  const r = await del;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'configmap "fin" deleted\n');
  assert.equal((await h.kubectl(['get', 'cm', 'fin', '-n', 'dl'])).code, 1);
  assert.equal(await ok(['delete', 'cm', '--all', '-n', 'dl', '--wait=false']), 'configmap "f1" deleted\nconfigmap "o1" deleted\nconfigmap "w1" deleted\n');
});
