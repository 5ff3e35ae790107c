/**
 * The real kubectl against `skiff server` for what needs every kind of kubectl's default
 * prune allowlist (k8s.io/kubectl pkg/util/prune: core/v1 ReplicationController and
 * networking.k8s.io/v1 Ingress among them): `apply --prune -l` without an allowlist, and
 * `cluster-info dump` (it lists replicationcontrollers); and the new kinds through
 * `get rc,ing,ingressclass`, `create ingress` (a protobuf body) and `scale rc`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cells } from '../../src/apiserver/resources/kubectl-harness.js';
import { kubectl, kubectlMissing, startTestServer, type KubectlResult, type TestServer } from './support/index.js';

let server: TestServer | undefined;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-prune-'));
  if (!kubectlMissing()) server = await startTestServer();
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** kubectl with the server's admin kubeconfig and a fresh --cache-dir (the helper passes both). */
const k = (args: readonly string[], stdin?: string): Promise<KubectlResult> =>
  kubectl(args, { kubeconfig: server!.kubeconfigPath, ...(stdin !== undefined ? { stdin } : {}) });

/**
 * stderr without the warning kubectl prints whenever the namespace comes from the context
 * (the admin kubeconfig sets one), against kube-apiserver too.
 */
const unexpectedStderr = (stderr: string): string =>
  stderr
    .split('\n')
    .filter((l) => l !== '' && !l.includes('Deprecated: kubectl apply will no longer prune non-namespaced resources by default'))
    .join('\n');

async function ok(args: readonly string[], stdin?: string): Promise<string> {
  const r = await k(args, stdin);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const configMap = (name: string, labels: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, namespace: prune, labels: {${labels}}}
data: {k: v}
`;

const replicationController = (name: string, ns: string, labels?: string) => `apiVersion: v1
kind: ReplicationController
metadata: {name: ${name}, namespace: ${ns}${labels ? `, labels: {${labels}}` : ''}}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
`;

const ingress = (name: string, ns: string, labels: string, path: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, namespace: ${ns}, labels: {${labels}}}
spec:
  rules:
  - host: foo.com
    http:
      paths:
      - {${path}backend: {service: {name: web, port: {number: 80}}}}
`;

test('apply --prune -l without --prune-allowlist deletes what left the file, and only what the selector picks', { skip: kubectlMissing() }, async () => {
  await ok(['create', 'namespace', 'prune']);
  // Outside the file: a set=s2 ConfigMap and an unlabelled one must survive every prune.
  await ok(['apply', '-f', '-'], configMap('other', 'set: s2'));
  await ok(['create', 'configmap', 'loose', '-n', 'prune', '--from-literal=a=1']);

  const file = join(dir, 'x.yaml');
  writeFileSync(
    file,
    [configMap('keep', 'set: s1'), configMap('drop', 'set: s1'), replicationController('web', 'prune', 'set: s1'), ingress('web', 'prune', 'set: s1', 'path: /, pathType: Prefix, ')].join('---\n'),
  );
  const first = await k(['apply', '-f', file, '--prune', '-l', 'set=s1']);
  assert.equal(unexpectedStderr(first.stderr), '');
  assert.equal(first.code, 0);
  assert.equal(
    first.stdout,
    'configmap/keep created\nconfigmap/drop created\nreplicationcontroller/web created\ningress.networking.k8s.io/web created\n',
  );

  writeFileSync(file, configMap('keep', 'set: s1'));
  const second = await k(['apply', '-f', file, '--prune', '-l', 'set=s1']);
  assert.equal(unexpectedStderr(second.stderr), '');
  assert.equal(second.code, 0);
  assert.equal(second.stdout, 'configmap/keep unchanged\nconfigmap/drop pruned\nreplicationcontroller/web pruned\ningress.networking.k8s.io/web pruned\n');

  const left = (await ok(['get', 'configmaps,replicationcontrollers,ingresses', '-n', 'prune', '-o', 'name'])).trim().split('\n').sort();
  assert.ok(left.includes('configmap/keep') && left.includes('configmap/other') && left.includes('configmap/loose'), left.join(' '));
  assert.ok(!left.some((n) => n === 'configmap/drop' || n.startsWith('replicationcontroller/') || n.startsWith('ingress.')), left.join(' '));
});

test('get rc,ing,ingressclass; create ingress (protobuf); an RC’s defaults, scale and `get all`', { skip: kubectlMissing() }, async () => {
  await ok(['create', 'namespace', 'gets']);
  const ingressClass = 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n';
  assert.equal(await ok(['apply', '-f', '-'], ingressClass), 'ingressclass.networking.k8s.io/nginx created\n');
  assert.equal(
    await ok(['create', 'ingress', 'web', '-n', 'gets', '--class=nginx', '--rule=foo.com/=web:80', '--rule=bar.com/api*=api:http,tls=bar-tls']),
    'ingress.networking.k8s.io/web created\n',
  );
  const ing = JSON.parse(await ok(['get', 'ingress', 'web', '-n', 'gets', '-o', 'json']));
  assert.equal(ing.spec.ingressClassName, 'nginx');
  assert.deepEqual(ing.spec.rules[1], { host: 'bar.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } }] } });
  assert.deepEqual(ing.spec.tls, [{ hosts: ['bar.com'], secretName: 'bar-tls' }]);
  assert.equal(ing.metadata.generation, 1);

  // No selector and no object labels: both default to the template's labels.
  assert.equal(await ok(['apply', '-f', '-'], replicationController('web', 'gets')), 'replicationcontroller/web created\n');
  assert.equal(
    await ok(['get', 'rc', 'web', '-n', 'gets', '-o', 'jsonpath={.spec.selector.app} {.metadata.labels.app} {.spec.template.spec.restartPolicy}']),
    'web web Always',
  );

  assert.deepEqual(cells(await ok(['get', 'rc,ing,ingressclass', '-n', 'gets'])), [
    'NAME DESIRED CURRENT READY AGE',
    'replicationcontroller/web 2 0 0 AGE',
    'NAME CLASS HOSTS ADDRESS PORTS AGE',
    'ingress.networking.k8s.io/web nginx foo.com,bar.com 80, 443 AGE', // ADDRESS is empty
    'NAME CONTROLLER PARAMETERS AGE',
    'ingressclass.networking.k8s.io/nginx k8s.io/ingress-nginx <none> AGE',
  ]);
  assert.deepEqual(cells(await ok(['get', 'rc', '-n', 'gets', '-o', 'wide'])), [
    'NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR',
    'web 2 0 0 AGE nginx nginx:1.27 app=web',
  ]);
  assert.deepEqual(cells(await ok(['get', 'ing', '-n', 'gets'])), ['NAME CLASS HOSTS ADDRESS PORTS AGE', 'web nginx foo.com,bar.com 80, 443 AGE']);

  assert.equal(await ok(['scale', 'rc', 'web', '-n', 'gets', '--replicas=3']), 'replicationcontroller/web scaled\n');
  assert.equal(await ok(['get', 'rc', 'web', '-n', 'gets', '-o', 'jsonpath={.spec.replicas}']), '3');
  // The Scale's selector from the RC's plain label map, as upstream's SelectorFromSet prints it.
  const scale = JSON.parse(await ok(['get', '--raw', '/api/v1/namespaces/gets/replicationcontrollers/web/scale']));
  assert.deepEqual([scale.spec.replicas, scale.status.selector], [3, 'app=web']);
  const all = cells(await ok(['get', 'all', '-n', 'gets']));
  assert.ok(all.includes('replicationcontroller/web 3 0 0 AGE'), all.join('\n'));
  assert.ok(!all.some((l) => l.startsWith('ingress')), 'an Ingress is not in the "all" category');

  const resources = cells(await ok(['api-resources']));
  for (const want of [
    'replicationcontrollers rc v1 true ReplicationController',
    'ingressclasses networking.k8s.io/v1 false IngressClass',
    'ingresses ing networking.k8s.io/v1 true Ingress',
  ]) {
    assert.ok(resources.includes(want), `missing "${want}"`);
  }

  // The server's validation, with upstream's message.
  const bad = await k(['apply', '-f', '-'], ingress('bad', 'gets', 'a: b', 'path: /, '));
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'The Ingress "bad" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified\n');
});

test('cluster-info dump --output-directory writes every namespace’s lists, replicationcontrollers included', { skip: kubectlMissing() }, async () => {
  await k(['create', 'namespace', 'kube-system']); // the dump lists it; it may exist already
  await ok(['apply', '-f', '-'], replicationController('dumped', 'default'));
  const out = join(dir, 'dump');
  const r = await k(['cluster-info', 'dump', `--output-directory=${out}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(out, 'nodes.json')));
  const rcs = JSON.parse(readFileSync(join(out, 'default', 'replication-controllers.json'), 'utf8'));
  assert.deepEqual(rcs.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['dumped']);
  assert.ok(existsSync(join(out, 'kube-system', 'replication-controllers.json')));
});
