/**
 * e2e: encryption at rest with the real kubectl against `skiff server`, checked in the
 * datastore itself. SQLite: Secrets are stored `k8s:enc:aescbc:v1:key1:…` without their
 * plaintext while ConfigMaps stay plain; Secrets written before encryption still read
 * (identity is listed) and `kubectl replace` rewrites them; after a rotation the old key
 * still reads and a replace moves everything to the new one; a key no provider has gives a
 * clear 500. `--secrets-encryption` generates its key file. etcd: the same raw check.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { kubectl, kubectlMissing, startTestServer, type TestServer } from './support/index.js';
import { startEtcd, type TestEtcd } from '../../src/storage/etcd/test-etcd.js';
import { openStore } from '../../src/storage/index.js';

const PASSWORD = 'hunter2-very-secret';
const B64 = Buffer.from(PASSWORD).toString('base64');
const key = (n: number) => Buffer.alloc(32, n).toString('base64');

/** An EncryptionConfiguration for secrets with these aescbc keys (first writes), then identity unless `identity` is false. */
function encryptionConfig(dir: string, name: string, keys: string[], identity = true): string {
  const file = join(dir, `${name}.yaml`);
  const keyLines = keys.map((k) => `            - name: ${k}\n              secret: ${key(Number(k.replace('key', '')))}`).join('\n');
  writeFileSync(
    file,
    `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - aescbc:
          keys:
${keyLines}
${identity ? '      - identity: {}\n' : ''}`,
  );
  return file;
}

/** The newest stored value of a key, read from the SQLite file (the server must be stopped: it locks the file). */
function rawSqlite(dataDir: string, name: string): string {
  const db = new Database(join(dataDir, 'db', 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1').get(name) as { value: Buffer } | undefined;
    assert.ok(row, `no row for ${name}`);
    return Buffer.from(row.value).toString('latin1');
  } finally {
    db.close();
  }
}

function assertEncrypted(raw: string, prefix: string): void {
  assert.ok(raw.startsWith(prefix), `expected ${prefix}…, got ${JSON.stringify(raw.slice(0, 40))}`);
  assert.ok(!raw.includes(PASSWORD) && !raw.includes(B64), 'the plaintext is not stored');
}

describe('secrets encryption at rest', { skip: kubectlMissing() }, () => {
  let dir: string;
  let cacheDir: string;
  let server: TestServer | undefined;
  const k = (args: string[], stdin?: string) => kubectl(args, { kubeconfig: (server as TestServer).kubeconfigPath, cacheDir, ...(stdin ? { stdin } : {}) });
  const start = async (dataDir: string, args: string[]) => {
    server = await startTestServer({ dataDir, args });
    return server;
  };
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  const password = async (name: string) => {
    const r = await k(['get', 'secret', name, '-o', 'jsonpath={.data.password}']);
    assert.equal(r.code, 0, r.stderr);
    return Buffer.from(r.stdout, 'base64').toString();
  };
  const replaceAllSecrets = async () => {
    const all = await k(['get', 'secrets', '-A', '-o', 'json']);
    assert.equal(all.code, 0, all.stderr);
    const replaced = await k(['replace', '-f', '-'], all.stdout);
    assert.equal(replaced.code, 0, replaced.stderr);
  };
  /** A real change to every Secret, so each is written again whatever the no-op check decides. */
  const annotateAllSecrets = async (value: string) => {
    const r = await k(['annotate', 'secrets', '--all', '-A', '--overwrite', `skiff.test/rewritten=${value}`]);
    assert.equal(r.code, 0, r.stderr);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-e2e-encryption-'));
    cacheDir = join(dir, 'kube-cache');
  });
  after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SQLite: encrypts Secrets only, reads old plaintext, rotates keys (old key reads, a rewrite moves to the new one), refuses an unknown key', async () => {
    const dataDir = join(dir, 'sqlite');
    // A Secret written before encryption was turned on.
    await start(dataDir, []);
    assert.equal((await k(['create', 'secret', 'generic', 'before', `--from-literal=password=${PASSWORD}`])).code, 0);
    await stop();
    assert.ok(rawSqlite(dataDir, '/registry/core/secrets/default/before').includes(B64));

    await start(dataDir, ['--encryption-provider-config', encryptionConfig(dir, 'one', ['key1'])]);
    const created = await k(['create', 'secret', 'generic', 's1', `--from-literal=password=${PASSWORD}`]);
    assert.equal(created.code, 0, created.stderr);
    const cm = await k(['create', 'configmap', 'c1', '--from-literal=color=visible-configmap-value']);
    assert.equal(cm.code, 0, cm.stderr);
    assert.equal(await password('s1'), PASSWORD);
    assert.equal(await password('before'), PASSWORD, 'plaintext written earlier reads through identity');
    await stop();
    assertEncrypted(rawSqlite(dataDir, '/registry/core/secrets/default/s1'), 'k8s:enc:aescbc:v1:key1:');
    assert.ok(rawSqlite(dataDir, '/registry/core/configmaps/default/c1').startsWith('{'), 'a ConfigMap stays plain JSON');
    assert.ok(rawSqlite(dataDir, '/registry/core/configmaps/default/c1').includes('visible-configmap-value'));
    assert.ok(rawSqlite(dataDir, '/registry/core/secrets/default/before').includes(B64), 'not rewritten until replaced');

    // Rotation: the new key first, the old one second.
    await start(dataDir, ['--encryption-provider-config', encryptionConfig(dir, 'two', ['key2', 'key1'])]);
    assert.equal(await password('s1'), PASSWORD, 'the old key still reads');
    await annotateAllSecrets('rotation');
    assert.equal(await password('s1'), PASSWORD);
    assert.equal(await password('before'), PASSWORD);
    await stop();
    assertEncrypted(rawSqlite(dataDir, '/registry/core/secrets/default/s1'), 'k8s:enc:aescbc:v1:key2:');
    assertEncrypted(rawSqlite(dataDir, '/registry/core/secrets/default/before'), 'k8s:enc:aescbc:v1:key2:');

    // A key the configuration does not have: a clear 500, the server keeps serving.
    await start(dataDir, ['--encryption-provider-config', encryptionConfig(dir, 'three', ['key3'], false)]);
    const refused = await k(['get', 'secret', 's1', '-o', 'json']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Internal error occurred: unable to decrypt the stored value of \/registry\/core\/secrets\/default\/s1: no configured provider matches its prefix "k8s:enc:aescbc:v1:key2:"/);
    const raw = await k(['get', '--raw', '/api/v1/namespaces/default/secrets/s1']);
    assert.match(raw.stderr, /InternalError|500|Internal error/);
    const other = await k(['get', 'configmap', 'c1', '-o', 'jsonpath={.data.color}']);
    assert.equal(other.stdout, 'visible-configmap-value', 'other resources are unaffected');
    await stop();
  });

  it(
    'kubectl replace of unchanged Secrets rewrites them with the first provider',
    async () => {
      const dataDir = join(dir, 'replace');
      await start(dataDir, ['--encryption-provider-config', encryptionConfig(dir, 'r1', ['key1'])]);
      assert.equal((await k(['create', 'secret', 'generic', 'r', `--from-literal=password=${PASSWORD}`])).code, 0);
      await stop();
      await start(dataDir, ['--encryption-provider-config', encryptionConfig(dir, 'r2', ['key2', 'key1'])]);
      await replaceAllSecrets();
      await stop();
      assertEncrypted(rawSqlite(dataDir, '/registry/core/secrets/default/r'), 'k8s:enc:aescbc:v1:key2:');
    },
  );

  it('--secrets-encryption generates a 0600 key file on first start and encrypts with it', async () => {
    const dataDir = join(dir, 'generated');
    await start(dataDir, ['--secrets-encryption']);
    const file = join(dataDir, 'cred', 'encryption-config.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((await k(['create', 'secret', 'generic', 'g1', `--from-literal=password=${PASSWORD}`])).code, 0);
    assert.equal(await password('g1'), PASSWORD);
    await stop();
    assertEncrypted(rawSqlite(dataDir, '/registry/core/secrets/default/g1'), 'k8s:enc:aescbc:v1:aescbckey:');
    // Started again, it keeps the key it made.
    const mtime = statSync(file).mtimeMs;
    await start(dataDir, ['--secrets-encryption']);
    assert.equal(await password('g1'), PASSWORD);
    await stop();
    assert.equal(statSync(file).mtimeMs, mtime);
  });

  describe('etcd', () => {
    let etcd: TestEtcd | undefined;
    after(async () => {
      await stop();
      await etcd?.stop();
    });

    it('stores Secrets encrypted in etcd', async () => {
      etcd = await startEtcd();
      server = await startTestServer({ datastore: { etcdEndpoints: etcd.endpoints }, args: ['--encryption-provider-config', encryptionConfig(dir, 'etcd', ['key1'])] });
      assert.equal((await k(['create', 'secret', 'generic', 'e1', `--from-literal=password=${PASSWORD}`])).code, 0);
      assert.equal(await password('e1'), PASSWORD);
      const raw = await openStore({ backend: 'etcd', endpoints: etcd.endpoints });
      try {
        const kv = await raw.get('/registry/core/secrets/default/e1');
        assert.ok(kv, 'the secret is in etcd');
        assertEncrypted(Buffer.from(kv.value).toString('latin1'), 'k8s:enc:aescbc:v1:key1:');
      } finally {
        await raw.close();
      }
      await stop();
    });
  });
});
