/**
 * `kubectl auth whoami` (SelfSubjectReview) and `kubectl auth can-i --list`
 * (SelfSubjectRulesReview) with the real kubectl: both are typed-client creates, sent as
 * protobuf by kubectl 1.32, answered at once and never stored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, type TestServer } from './support/index.js';

let server: TestServer;
const cacheDir = mkdtempSync(join(tmpdir(), 'skiff-auth-kcache-'));
const run = async (args: string[], version?: '1.33') => {
  const r = await kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir, ...(version ? { version } : {}) });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
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

  it('can-i --list lists what the authorizer allows (everything, until RBAC is enforced)', async () => {
    assert.deepEqual(cells(await run(['auth', 'can-i', '--list'])), [
      ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'],
      ['*.*', '[]', '[]', '[*]'],
      ['[*]', '[]', '[*]'],
    ]);
  });
});
