/**
 * e2e with the real kubectl: admission webhooks registered through
 * Mutating/ValidatingWebhookConfigurations are called over HTTPS by the API server — a
 * mutating webhook labels ConfigMaps, a validating one refuses pods by name and another
 * warns, failure policies decide what a dead webhook does, selectors and dry run are
 * honoured, and a Service-based webhook is reached through its EndpointSlice. The webhook
 * server is this test's own, on 127.0.0.1, with a CA and serving certificate made here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issueServerCertificate } from '../../src/apiserver/tls/pki.js';
import { kubectl, kubectlMissing, startTestServer, waitFor, type TestServer } from './support/index.js';

interface Review {
  path: string;
  request: Record<string, any>;
}

/** The test's webhook server: answers by path, records every review it gets. */
function handle(path: string, request: Record<string, any>): Record<string, unknown> {
  const uid = request.uid;
  const name = String(request.name ?? request.object?.metadata?.name ?? '');
  const patch = (ops: unknown[]) => ({ patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
  switch (path) {
    case '/label': {
      const hasLabels = request.object?.metadata?.labels !== undefined;
      return { uid, allowed: true, ...patch(hasLabels ? [{ op: 'add', path: '/metadata/labels/mutated-by', value: 'skiff-e2e' }] : [{ op: 'add', path: '/metadata/labels', value: { 'mutated-by': 'skiff-e2e' } }]) };
    }
    case '/deny':
      return name.startsWith('forbidden-')
        ? { uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: `pod name "${name}" is not allowed here` } }
        : { uid, allowed: true };
    case '/warn':
      return { uid, allowed: true, ...(name.startsWith('warn-') ? { warnings: [`configmap "${name}" looks suspicious`] } : {}) };
    case '/annotate': {
      const hasAnnotations = request.object?.metadata?.annotations !== undefined;
      return { uid, allowed: true, ...patch(hasAnnotations ? [{ op: 'add', path: '/metadata/annotations/annotated-by', value: 'service-webhook' }] : [{ op: 'add', path: '/metadata/annotations', value: { 'annotated-by': 'service-webhook' } }]) };
    }
    default:
      return { uid, allowed: false, status: { message: `unknown path ${path}` } };
  }
}

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('kubectl and admission webhooks', { skip: kubectlMissing() }, () => {
  let server: TestServer;
  let hooks: Server;
  let hookPort: number;
  let caBundle: string;
  const reviews: Review[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'skiff-webhooks-'));
  const k = (args: string[], stdin?: string) => kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir: join(dir, 'cache'), ...(stdin !== undefined ? { stdin } : {}) });
  const apply = async (yaml: string) => {
    const r = await k(['apply', '-f', '-'], yaml);
    assert.equal(r.code, 0, r.stderr);
  };
  const url = (path: string) => `https://127.0.0.1:${hookPort}${path}`;

  before(async () => {
    const ca = await createCa('webhook-e2e-ca');
    const cert = await issueServerCertificate(ca, { dns: ['hooks.webhook-system.svc'], ips: ['127.0.0.1'] });
    caBundle = Buffer.from(ca.certPem).toString('base64');
    hooks = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const review = JSON.parse(Buffer.concat(chunks).toString()) as { request: Record<string, any> };
        reviews.push({ path, request: review.request });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: handle(path, review.request) }));
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    hookPort = (hooks.address() as AddressInfo).port;
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => (hooks ? hooks.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a mutating webhook labels new ConfigMaps in namespaces labelled webhook=on, honouring the object selector and dry run', async () => {
    await apply(`apiVersion: v1
kind: Namespace
metadata: {name: hooked, labels: {webhook: "on"}}
---
apiVersion: v1
kind: Namespace
metadata: {name: plain}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: label-configmaps}
webhooks:
- name: label.skiff.test
  clientConfig: {url: "${url('/label')}", caBundle: ${caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
  namespaceSelector: {matchLabels: {webhook: "on"}}
  objectSelector: {matchExpressions: [{key: skip-webhook, operator: DoesNotExist}]}
  sideEffects: None
  admissionReviewVersions: [v1]
`);
    // The configuration applies once the API server's cache has it: probe with a dry run.
    await waitFor('the mutating webhook to take effect', async () => {
      const r = await k(['create', 'configmap', 'probe', '-n', 'hooked', '--dry-run=server', '-o', 'jsonpath={.metadata.labels.mutated-by}']);
      return r.stdout === 'skiff-e2e' ? true : undefined;
    }, 20_000);
    const dry = reviews.find((r) => r.path === '/label' && r.request.dryRun === true);
    assert.ok(dry, 'the dry run reached the webhook');
    assert.deepEqual(dry.request.options, { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1', dryRun: ['All'] });
    assert.equal((await k(['get', 'configmap', 'probe', '-n', 'hooked'])).code, 1, 'a dry run stores nothing');

    const created = await k(['create', 'configmap', 'cm1', '-n', 'hooked', '--from-literal=a=b']);
    assert.equal(created.code, 0, created.stderr);
    const shown = await k(['get', 'configmap', 'cm1', '-n', 'hooked', '--show-labels', '--no-headers']);
    assert.match(shown.stdout, /^cm1\s+1\s+\S+\s+mutated-by=skiff-e2e\n$/);
    const review = reviews.findLast((r) => r.path === '/label')!.request;
    assert.equal(review.operation, 'CREATE');
    assert.equal(review.namespace, 'hooked');
    assert.equal(review.name, 'cm1');
    assert.deepEqual(review.kind, { group: '', version: 'v1', kind: 'ConfigMap' });
    assert.deepEqual(review.resource, { group: '', version: 'v1', resource: 'configmaps' });
    assert.equal(review.dryRun, false);
    assert.equal(review.object.data.a, 'b');
    assert.equal(review.oldObject, null);
    assert.equal(typeof review.userInfo.username, 'string');

    const elsewhere = await k(['create', 'configmap', 'cm2', '-n', 'plain']);
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.equal((await k(['get', 'configmap', 'cm2', '-n', 'plain', '-o', 'jsonpath={.metadata.labels}'])).stdout, '');

    await apply('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: opted-out, namespace: hooked, labels: {skip-webhook: "yes"}}\n');
    assert.equal((await k(['get', 'configmap', 'opted-out', '-n', 'hooked', '-o', 'jsonpath={.metadata.labels}'])).stdout, '{"skip-webhook":"yes"}');

    const listed = await k(['get', 'mutatingwebhookconfigurations']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^NAME\s+WEBHOOKS\s+AGE\nlabel-configmaps\s+1\s+\S+\n$/);
  });

  it('a validating webhook refuses pods named forbidden-*, and another one warns', async () => {
    await apply(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: policy}
webhooks:
- name: deny.skiff.test
  clientConfig: {url: "${url('/deny')}", caBundle: ${caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods], scope: Namespaced}]
  sideEffects: None
  admissionReviewVersions: [v1]
- name: warn.skiff.test
  clientConfig: {url: "${url('/warn')}", caBundle: ${caBundle}}
  rules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
  sideEffects: None
  admissionReviewVersions: [v1]
`);
    await waitFor('the validating webhook to take effect', async () => {
      const r = await k(['run', 'forbidden-probe', '--image=busybox', '--dry-run=server']);
      return r.code !== 0 ? true : undefined;
    }, 20_000);
    const refused = await k(['run', 'forbidden-pod', '--image=busybox']);
    assert.notEqual(refused.code, 0);
    assert.equal(refused.stderr, 'Error from server (Forbidden): admission webhook "deny.skiff.test" denied the request: pod name "forbidden-pod" is not allowed here\n');
    const allowed = await k(['run', 'allowed-pod', '--image=busybox']);
    assert.equal(allowed.code, 0, allowed.stderr);

    const warned = await k(['create', 'configmap', 'warn-me', '-n', 'plain']);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /^Warning: configmap "warn-me" looks suspicious$/m);
  });

  it('a webhook that cannot be reached fails the request under failurePolicy Fail, not under Ignore', async () => {
    const deadPort = await freePort();
    await apply(`apiVersion: v1
kind: Namespace
metadata: {name: down-fail, labels: {down: fail}}
---
apiVersion: v1
kind: Namespace
metadata: {name: down-ignore, labels: {down: ignore}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: dead-webhooks}
webhooks:
- name: fail.skiff.test
  clientConfig: {url: "https://127.0.0.1:${deadPort}/dead", caBundle: ${caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [secrets]}]
  namespaceSelector: {matchLabels: {down: fail}}
  failurePolicy: Fail
  timeoutSeconds: 5
  sideEffects: None
  admissionReviewVersions: [v1]
- name: ignore.skiff.test
  clientConfig: {url: "https://127.0.0.1:${deadPort}/dead", caBundle: ${caBundle}}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [secrets]}]
  namespaceSelector: {matchLabels: {down: ignore}}
  failurePolicy: Ignore
  sideEffects: None
  admissionReviewVersions: [v1]
`);
    const failed = await waitFor('the failing webhook to take effect', async () => {
      const r = await k(['create', 'secret', 'generic', 's1', '-n', 'down-fail', '--from-literal=a=b']);
      return r.code !== 0 ? r : undefined;
    }, 20_000);
    assert.equal(
      failed.stderr,
      `error: failed to create secret Internal error occurred: failed calling webhook "fail.skiff.test": failed to call webhook: Post "https://127.0.0.1:${deadPort}/dead?timeout=5s": dial tcp 127.0.0.1:${deadPort}: connect: connection refused\n`,
    );
    const ignored = await k(['create', 'secret', 'generic', 's1', '-n', 'down-ignore', '--from-literal=a=b']);
    assert.equal(ignored.code, 0, ignored.stderr);
  });

  it('a Service-based webhook is reached through its EndpointSlice and verified as <svc>.<ns>.svc', async () => {
    await apply(`apiVersion: v1
kind: Namespace
metadata: {name: webhook-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: svc-hooked, labels: {svc: "on"}}
---
apiVersion: v1
kind: Service
metadata: {name: hooks, namespace: webhook-system}
spec:
  ports: [{name: https, port: 443, targetPort: ${hookPort}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: hooks-1, namespace: webhook-system, labels: {kubernetes.io/service-name: hooks}}
addressType: IPv4
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
ports: [{name: https, port: ${hookPort}, protocol: TCP}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: service-webhook}
webhooks:
- name: annotate.skiff.test
  clientConfig:
    service: {namespace: webhook-system, name: hooks, path: /annotate}
    caBundle: ${caBundle}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
  namespaceSelector: {matchLabels: {svc: "on"}}
  sideEffects: NoneOnDryRun
  admissionReviewVersions: [v1, v1beta1]
`);
    await waitFor('the service webhook to take effect', async () => {
      const r = await k(['create', 'configmap', 'probe', '-n', 'svc-hooked', '--dry-run=server', '-o', "jsonpath={.metadata.annotations['annotated-by']}"]);
      return r.stdout === 'service-webhook' ? true : undefined;
    }, 20_000);
    const created = await k(['create', 'configmap', 'via-service', '-n', 'svc-hooked']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await k(['get', 'configmap', 'via-service', '-n', 'svc-hooked', '-o', "jsonpath={.metadata.annotations['annotated-by']}"])).stdout, 'service-webhook');
  });

  it('a configuration is validated with upstream messages', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: bad}
webhooks:
- name: bad
  clientConfig: {url: "http://127.0.0.1/x"}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
  timeoutSeconds: 60
  admissionReviewVersions: [v1]
`);
    const r = await k(['apply', '-f', file]);
    assert.notEqual(r.code, 0);
    for (const want of [
      'webhooks[0].name: Invalid value: "bad": should be a domain with at least three segments separated by dots',
      'webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[0].timeoutSeconds: Invalid value: 60: the timeout value must be between 1 and 30 seconds',
      `webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
    ]) {
      assert.ok(r.stderr.includes(want), `${want}\nnot in\n${r.stderr}`);
    }
  });
});
