import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeconfigError, loadKubeconfig, resolveKubeconfigPath } from './kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('kubeconfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-kubeconfig-'));
    writeFileSync(join(dir, 'ca.crt'), 'CA-FROM-FILE');
    writeFileSync(join(dir, 'client.crt'), 'CERT-FROM-FILE');
    writeFileSync(join(dir, 'client.key'), 'KEY-FROM-FILE');
    writeFileSync(join(dir, 'token'), 'file-token\n');
    writeFileSync(
      join(dir, 'config'),
      `apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: skiff
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: ${b64('CA-DATA')}
- name: files
  cluster:
    server: https://127.0.0.2:6443
    certificate-authority: ca.crt
    insecure-skip-tls-verify: true
contexts:
- name: admin
  context: {cluster: skiff, user: admin}
- name: viewer
  context: {cluster: files, user: viewer, namespace: kube-system}
- name: tokenfile
  context: {cluster: files, user: tf}
- name: broken
  context: {cluster: nowhere, user: admin}
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT-DATA')}
    client-key-data: ${b64('KEY-DATA')}
- name: viewer
  user:
    client-certificate: ${join(dir, 'client.crt')}
    client-key: client.key
    token: abc123
- name: tf
  user:
    tokenFile: token
`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses current-context with inline data fields', () => {
    const c = loadKubeconfig({ path: join(dir, 'config') });
    assert.equal(c.server, 'https://127.0.0.1:6443');
    assert.equal(c.context, 'admin');
    assert.equal(c.namespace, 'default');
    assert.equal(c.ca?.toString(), 'CA-DATA');
    assert.equal(c.cert?.toString(), 'CERT-DATA');
    assert.equal(c.key?.toString(), 'KEY-DATA');
    assert.equal(c.token, undefined);
    assert.equal(c.insecureSkipTLSVerify, undefined);
  });

  it('uses a named context with file references (absolute and relative to the kubeconfig)', () => {
    const c = loadKubeconfig({ path: join(dir, 'config'), context: 'viewer' });
    assert.equal(c.server, 'https://127.0.0.2:6443');
    assert.equal(c.namespace, 'kube-system');
    assert.equal(c.ca?.toString(), 'CA-FROM-FILE');
    assert.equal(c.cert?.toString(), 'CERT-FROM-FILE');
    assert.equal(c.key?.toString(), 'KEY-FROM-FILE');
    assert.equal(c.token, 'abc123');
    assert.equal(c.insecureSkipTLSVerify, true);
  });

  it('reads tokenFile', () => {
    const c = loadKubeconfig({ path: join(dir, 'config'), context: 'tokenfile' });
    assert.equal(c.token, 'file-token');
    assert.equal(c.tokenFile, join(dir, 'token'));
  });

  it('honours the first KUBECONFIG entry, never the real home in tests', () => {
    const env = { KUBECONFIG: [join(dir, 'config'), '/nonexistent/other'].join(delimiter) };
    assert.equal(resolveKubeconfigPath({ env, home: dir }), join(dir, 'config'));
    assert.equal(loadKubeconfig({ env, home: dir }).context, 'admin');
    assert.equal(resolveKubeconfigPath({ env: {}, home: dir }), join(dir, '.kube', 'config'));
    assert.equal(resolveKubeconfigPath({ path: '/x', env }), '/x');
  });

  it('reports what is missing', () => {
    assert.throws(() => loadKubeconfig({ path: join(dir, 'config'), context: 'nope' }), /context "nope" not found/);
    assert.throws(() => loadKubeconfig({ path: join(dir, 'config'), context: 'broken' }), /cluster "nowhere" not found/);
    assert.throws(() => loadKubeconfig({ path: join(dir, 'missing') }), KubeconfigError);
    writeFileSync(join(dir, 'bad'), 'clusters: [\n');
    assert.throws(() => loadKubeconfig({ path: join(dir, 'bad') }), /not valid YAML/);
  });
});
