import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigMapKind } from '../../../api/core/v1/index.js';
import { ApiError } from '../../../machinery/status.js';
import type { AdmissionAttributes } from '../types.js';
import type { KubeObject } from '../../watch-cache/cached-object.js';
import { WebhookCallError, type WebhookTarget } from './client.js';
import { mutatingWebhooks, validatingWebhooks, type WebhookAdmissionConfig } from './plugins.js';

const attrs = (extra: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  spec: ConfigMapKind,
  namespace: 'team',
  name: 'cfg',
  user: { name: 'alice', groups: [] },
  dryRun: false,
  ...extra,
});
const cm = (): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'team' }, data: { a: '1' } });

const hook = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  clientConfig: { url: `https://127.0.0.1:1/${name}` },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  failurePolicy: 'Fail',
  timeoutSeconds: 10,
  ...extra,
});

type Answer = (review: any, target: WebhookTarget) => unknown;
function config(webhooks: unknown[], answer: Answer, calls: string[] = []): WebhookAdmissionConfig {
  let n = 0;
  return {
    configurations: () => [{ metadata: { name: 'cfg' }, webhooks }],
    namespaceLabels: () => ({}),
    lookup: { service: () => undefined, endpointSlices: () => [] },
    newUid: () => `uid-${++n}`,
    post: async (target, body) => {
      calls.push(target.url);
      return answer(body, target);
    },
  };
}
const allow = (review: any, extra: Record<string, unknown> = {}) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true, ...extra } });
const patchOf = (ops: unknown) => ({ patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });

const rejects = async (p: unknown, code: number, message: string) =>
  assert.rejects(Promise.resolve(p), (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status.message, message);
    assert.equal(err.code, code);
    return true;
  });

test('mutating webhooks: patches apply in order, each call sees the previous change, warnings collect', async () => {
  const seen: unknown[] = [];
  const plugin = mutatingWebhooks(
    config([hook('one.example.com'), hook('two.example.com')], (review) => {
      seen.push(structuredClone(review.request.object.metadata.labels));
      const first = review.request.object.metadata.labels === undefined;
      return allow(review, { warnings: [`from ${first ? 'one' : 'two'}`], ...patchOf(first ? [{ op: 'add', path: '/metadata/labels', value: { one: 'y' } }] : [{ op: 'add', path: '/metadata/labels/two', value: 'y' }]) });
    }),
  );
  const obj = cm();
  const warnings = await plugin.admit(attrs(), obj, undefined);
  assert.deepEqual(obj.metadata?.labels, { one: 'y', two: 'y' });
  assert.deepEqual(seen, [undefined, { one: 'y' }]);
  assert.deepEqual(warnings, ['from one', 'from two']);
});

test('mutating webhooks: IfNeeded is called again when a later webhook changed the object', async () => {
  const calls: string[] = [];
  const plugin = mutatingWebhooks(
    config([hook('again.example.com', { reinvocationPolicy: 'IfNeeded' }), hook('later.example.com')], (review, target) =>
      target.url.endsWith('later.example.com') ? allow(review, patchOf([{ op: 'add', path: '/data/b', value: '2' }])) : allow(review), calls),
  );
  await plugin.admit(attrs(), cm(), undefined);
  assert.deepEqual(calls.map((u) => u.split('/').pop()), ['again.example.com', 'later.example.com', 'again.example.com']);
});

test('validating webhooks: a refusal carries the webhook message and code (400 at least)', async () => {
  const deny = (status: unknown) => validatingWebhooks(config([hook('deny.example.com')], (review) => ({ ...allow(review), response: { uid: review.request.uid, allowed: false, status } })));
  await rejects(deny({ code: 403, message: 'names like this are forbidden' }).admit(attrs(), cm(), undefined), 403, 'admission webhook "deny.example.com" denied the request: names like this are forbidden');
  await rejects(deny({ message: 'nope' }).admit(attrs(), cm(), undefined), 400, 'admission webhook "deny.example.com" denied the request: nope');
  await rejects(deny(undefined).admit(attrs(), cm(), undefined), 400, 'admission webhook "deny.example.com" denied the request without explanation');
});

test('failure policies: Fail refuses with a 500, Ignore carries on', async () => {
  const down = (policy: string) =>
    validatingWebhooks(
      config([hook('down.example.com', { failurePolicy: policy })], () => {
        throw new WebhookCallError('Post "https://127.0.0.1:1/down.example.com?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused');
      }),
    );
  await rejects(
    down('Fail').admit(attrs(), cm(), undefined),
    500,
    'Internal error occurred: failed calling webhook "down.example.com": failed to call webhook: Post "https://127.0.0.1:1/down.example.com?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused',
  );
  assert.deepEqual(await down('Ignore').admit(attrs(), cm(), undefined), []);
  // An unusable answer is a failed call too.
  const garbage = mutatingWebhooks(config([hook('garbage.example.com')], () => ({ hello: 'world' })));
  await rejects(garbage.admit(attrs(), cm(), undefined), 500, 'Internal error occurred: failed calling webhook "garbage.example.com": received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got /, Kind=');
});

test('a patch that does not apply is a 500 whatever the failure policy', async () => {
  const plugin = mutatingWebhooks(config([hook('bad.example.com', { failurePolicy: 'Ignore' })], (review) => allow(review, patchOf([{ op: 'replace', path: '/nope/x', value: 1 }]))));
  await assert.rejects(Promise.resolve(plugin.admit(attrs(), cm(), undefined)), (err: unknown) => err instanceof ApiError && err.code === 500);
});

test('matching: other operations, namespaces and the object selector decide which webhooks are called', async () => {
  const calls: string[] = [];
  const cfg = config([hook('sel.example.com', { objectSelector: { matchLabels: { check: 'yes' } } })], (review) => allow(review), calls);
  const plugin = validatingWebhooks(cfg);
  await plugin.admit(attrs(), cm(), undefined);
  await plugin.admit(attrs({ operation: 'UPDATE' }), { ...cm(), metadata: { name: 'cfg', labels: { check: 'yes' } } }, cm());
  assert.equal(calls.length, 0);
  await plugin.admit(attrs(), { ...cm(), metadata: { name: 'cfg', labels: { check: 'yes' } } }, undefined);
  assert.equal(calls.length, 1);
});

test('dry run: the review says so; a webhook with side effects refuses it', async () => {
  let dryRun: unknown;
  await validatingWebhooks(config([hook('dry.example.com')], (review) => ((dryRun = review.request.dryRun), allow(review)))).admit(attrs({ dryRun: true }), cm(), undefined);
  assert.equal(dryRun, true);
  const some = validatingWebhooks(config([hook('some.example.com', { sideEffects: 'Some' })], (review) => allow(review)));
  await rejects(some.admit(attrs({ dryRun: true }), cm(), undefined), 400, 'admission webhook "some.example.com" does not support dry run');
});
