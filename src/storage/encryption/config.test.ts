import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EncryptionConfigError, ensureGeneratedEncryptionConfig, loadEncryptionConfig, parseEncryptionConfig } from './config.js';

const KEY32 = Buffer.alloc(32, 7).toString('base64');
const KEY16 = Buffer.alloc(16, 7).toString('base64');

function config(providers: unknown[], resources: unknown = ['secrets']): string {
  return JSON.stringify({ kind: 'EncryptionConfiguration', apiVersion: 'apiserver.config.k8s.io/v1', resources: [{ resources, providers }] });
}

function refused(text: string, message: RegExp): void {
  assert.throws(() => parseEncryptionConfig(text), (err: unknown) => err instanceof EncryptionConfigError && message.test(err.message));
}

describe('parseEncryptionConfig', () => {
  it('reads the YAML of the Kubernetes documentation, providers in order, one codec per key', () => {
    const rules = parseEncryptionConfig(`
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
      - configmaps
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: ${KEY32}
            - name: key2
              secret: ${KEY32}
      - aesgcm:
          keys:
            - name: g1
              secret: ${KEY16}
      - identity: {}
`);
    assert.equal(rules.length, 1);
    const rule = rules[0]!;
    assert.deepEqual(rule.codecs.map((c) => c.description), ['aescbc key "key1"', 'aescbc key "key2"', 'aesgcm key "g1"', 'identity']);
    assert.deepEqual(rule.codecs.map((c) => c.prefix.toString()), ['k8s:enc:aescbc:v1:key1:', 'k8s:enc:aescbc:v1:key2:', 'k8s:enc:aesgcm:v1:g1:', '']);
    assert.ok(rule.matches('/registry/core/secrets/default/s'));
    assert.ok(rule.matches('/registry/core/configmaps/kube-system/c'));
    assert.ok(!rule.matches('/registry/core/pods/default/p'));
    assert.ok(!rule.matches('/registry/core/secretsx/default/p'));
  });

  it('matches group-qualified resources and wildcards', () => {
    const [rule] = parseEncryptionConfig(config([{ identity: {} }], ['deployments.apps', '*.batch', '*.']));
    assert.ok(rule!.matches('/registry/apps/deployments/ns/d'));
    assert.ok(!rule!.matches('/registry/apps/statefulsets/ns/d'));
    assert.ok(rule!.matches('/registry/batch/jobs/ns/j'));
    assert.ok(rule!.matches('/registry/core/pods/ns/p'));
    const [all] = parseEncryptionConfig(config([{ identity: {} }], ['*.*']));
    assert.ok(all!.matches('/registry/example.com/widgets/ns/w'));
  });

  it('refuses a wrong key length for each provider', () => {
    refused(config([{ aescbc: { keys: [{ name: 'k', secret: KEY16 }] } }]), /resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: aescbc key "k" must be 32 bytes, got 16/);
    refused(config([{ aesgcm: { keys: [{ name: 'k', secret: Buffer.alloc(20).toString('base64') }] } }]), /aesgcm key "k" must be 16, 24 or 32 bytes, got 20/);
  });

  it('refuses unknown and unsupported providers', () => {
    refused(config([{ rot13: {} }]), /unknown provider "rot13"/);
    refused(config([{ kms: { name: 'x' } }]), /provider "kms" is not supported/);
    refused(config([{ identity: {}, aescbc: { keys: [] } }]), /exactly one provider type/);
    refused(config([]), /providers: at least one provider/);
  });

  it('refuses bad base64, missing or clashing key names', () => {
    refused(config([{ aescbc: { keys: [{ name: 'k', secret: 'not base64!!' }] } }]), /keys\[0\]\.secret: not valid base64/);
    refused(config([{ aescbc: { keys: [{ name: 'k', secret: KEY32.slice(1) }] } }]), /not valid base64/);
    refused(config([{ aescbc: { keys: [{ secret: KEY32 }] } }]), /keys\[0\]\.name: a non-empty name/);
    refused(config([{ aescbc: { keys: [{ name: 'a:b', secret: KEY32 }] } }]), /without ":"/);
    refused(config([{ aescbc: { keys: [{ name: 'k', secret: KEY32 }, { name: 'k', secret: KEY32 }] } }]), /"k" is used twice/);
    refused(config([{ aescbc: { keys: [] } }]), /at least one key/);
  });

  it('refuses a wrong kind, apiVersion, resource list or text', () => {
    refused('{', /not valid YAML or JSON/);
    refused(JSON.stringify({ kind: 'Config', apiVersion: 'apiserver.config.k8s.io/v1', resources: [] }), /kind must be EncryptionConfiguration/);
    refused(JSON.stringify({ kind: 'EncryptionConfiguration', apiVersion: 'v1', resources: [] }), /apiVersion must be/);
    refused(config([{ identity: {} }], []), /a non-empty list of resource names/);
    refused(config([{ identity: {} }], ['secrets', 'secrets']), /"secrets" is listed more than once/);
    refused(config([{ identity: {} }], ['*']), /"\*" is not a resource/);
  });

  it('names the file in its errors', () => {
    assert.throws(() => loadEncryptionConfig('/nonexistent/enc.yaml'), /\/nonexistent\/enc\.yaml: no such file/);
  });
});

describe('ensureGeneratedEncryptionConfig', () => {
  it('writes one aescbc key for secrets (then identity), mode 0600, once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-enc-gen-'));
    try {
      const file = join(dir, 'cred', 'encryption-config.json');
      assert.equal(ensureGeneratedEncryptionConfig(file), true);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const first = readFileSync(file, 'utf8');
      const [rule] = loadEncryptionConfig(file);
      assert.deepEqual(rule!.resources, ['secrets']);
      assert.deepEqual(rule!.codecs.map((c) => c.prefix.toString()), ['k8s:enc:aescbc:v1:aescbckey:', '']);
      assert.equal(ensureGeneratedEncryptionConfig(file), false);
      assert.equal(readFileSync(file, 'utf8'), first, 'an existing key is never replaced');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
