/**
 * The etcd backend over TLS with client certificates: a store with the right client
 * certificate works; without one, etcd refuses it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdStore } from './etcd-store.js';
import { startEtcd, type TestEtcd } from './test-etcd.js';
import { makeTestPki, type TestPki } from './test-certs.js';
import { StorageError } from '../errors.js';

describe('etcd backend over TLS', () => {
  let etcd: TestEtcd | undefined;
  let pki: TestPki;
  before(async () => {
    pki = await makeTestPki();
    etcd = await startEtcd({ tls: pki, autoCompactionRetention: 0 });
  });
  after(async () => {
    await etcd?.stop();
  });

  it('works with a client certificate', async () => {
    assert.ok(etcd!.endpoints[0]!.startsWith('https://'));
    const store = await EtcdStore.open({
      endpoints: etcd!.endpoints,
      prefix: '/tls',
      tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
    });
    try {
      const kv = await store.create('/a', new TextEncoder().encode('secret'));
      assert.equal((await store.get('/a'))?.modRevision, kv.modRevision);
    } finally {
      await store.close();
    }
  });

  it('is refused without a client certificate', async () => {
    await assert.rejects(
      EtcdStore.open({ endpoints: etcd!.endpoints, prefix: '/tls', tls: { ca: pki.ca }, callTimeoutMs: 2_000 }),
      StorageError,
    );
  });
});
