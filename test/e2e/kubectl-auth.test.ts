/**
 * `kubectl auth whoami` (SelfSubjectReview) and `kubectl auth can-i --list`
 * (SelfSubjectRulesReview) with the real kubectl: both are typed-client creates, sent as
 * protobuf by kubectl 1.32, answered at once and never stored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, waitFor, type TestServer } from './support/index.js';

let server: TestServer;
const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-auth-kcache-'));
const run = async (args: string[], version?: '1.33') => {
  const r = await kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir, ...(version ? { version } : {}) });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
/** A kubeconfig that authenticates with `token` only (the admin one also carries a client certificate, which wins). */
function tokenKubeconfig(token: string): string {
  const path = join(cacheDir, `token-${Math.random().toString(36).slice(2)}.kubeconfig`);
  const cfg = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64') } }],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  };
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}
const cells = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

describe('kubectl auth whoami and can-i --list', { skip: kubectlMissing() }, () => {
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('whoami names the admin and its groups; with --as, the impersonated user', async () => {
    assert.deepEqual(cells(await run(['auth', 'whoami'])), [['ATTRIBUTE', 'VALUE'], ['Username', 'admin'], ['Groups', '[system:masters system:authenticated]']]);
    const json = JSON.parse(await run(['auth', 'whoami', '-o', 'json']));
    assert.deepEqual([json.apiVersion, json.kind, json.status.userInfo], ['authentication.k8s.io/v1', 'SelfSubjectReview', { username: 'admin', groups: ['system:masters', 'system:authenticated'] }]);
    assert.deepEqual(cells(await run(['auth', 'whoami', '--as=alice', '--as-group=devs'])), [['ATTRIBUTE', 'VALUE'], ['Username', 'alice'], ['Groups', '[devs system:authenticated]']]);
    // kubectl 1.27 asks only for v1alpha1/v1beta1 (the v1 API is 1.28's): the newest one here.
    assert.match(await run(['auth', 'whoami'], '1.33'), /Username\s+admin/);
  });

  it('can-i --list lists what the authorizer allows the admin (system:masters: everything)', async () => {
    assert.deepEqual(cells(await run(['auth', 'can-i', '--list'])), [
      ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'],
      ['*.*', '[]', '[]', '[*]'],
      ['[*]', '[]', '[*]'],
    ]);
  });

  it('create token: a service-account token that authenticates as the account, until the account is deleted', async () => {
    await run(['create', 'serviceaccount', 'bot']);
    const token = (await run(['create', 'token', 'bot'])).trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const as = tokenKubeconfig(token);
    const whoami = () => kubectl(['auth', 'whoami'], { kubeconfig: as, cacheDir });
    const ok = await whoami();
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(cells(ok.stdout).slice(1), [
      ['Username', 'system:serviceaccount:default:bot'],
      ['UID', JSON.parse(await run(['get', 'sa', 'bot', '-o', 'json'])).metadata.uid],
      ['Groups', '[system:serviceaccounts system:serviceaccounts:default system:authenticated]'],
    ]);
    // A token whose signature does not match is refused.
    const forged = kubectl(['get', 'pods'], { kubeconfig: tokenKubeconfig(`${token.slice(0, -4)}AAAA`), cacheDir });
    assert.match((await forged).stderr, /Unauthorized|must be logged in/);
    // Too short a lifetime is refused as upstream does.
    const short = await kubectl(['create', 'token', 'bot', '--duration=5m'], { kubeconfig: server.kubeconfigPath, cacheDir });
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
    await run(['delete', 'serviceaccount', 'bot']);
    await waitFor('the token refused', async () => ((await whoami()).code !== 0 ? true : undefined));
  });

  it('create token --bound-object-kind Pod: the token works while that pod exists', async () => {
    await run(['create', 'serviceaccount', 'runner']);
    const pod = join(cacheDir, 'bound-pod.json');
    writeFileSync(pod, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'holder' }, spec: { containers: [{ name: 'c', image: 'x' }] } }));
    await run(['create', '-f', pod]);
    const token = (await run(['create', 'token', 'runner', '--bound-object-kind', 'Pod', '--bound-object-name', 'holder'])).trim();
    const whoami = () => kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: tokenKubeconfig(token), cacheDir });
    const ok = await whoami();
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'system:serviceaccount:default:runner');
    // Deleted (unscheduled, so at once) and created again under the same name: a new uid, and the token is done.
    await run(['delete', 'pod', 'holder']);
    await run(['create', '-f', pod]);
    const refused = await waitFor('the token refused', async () => {
      const r = await whoami();
      return r.code !== 0 ? r : undefined;
    });
    assert.match(refused.stderr, /Unauthorized|must be logged in/);
  });
});
