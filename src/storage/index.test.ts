import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, StorageError } from './index.js';
import { startEtcd } from './etcd/test-etcd.js';

describe('openStore', () => {
  it('opens the SQLite backend with its options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-open-store-'));
    try {
      const store = await openStore({ backend: 'sqlite', path: join(dir, 'state.db'), autoCompaction: false });
      const kv = await store.create('/x', new Uint8Array([1]));
      assert.equal((await store.get('/x'))?.modRevision, kv.modRevision);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens the etcd backend under a prefix, isolated from other prefixes', async () => {
    const etcd = await startEtcd();
    try {
      const a = await openStore({ backend: 'etcd', endpoints: etcd.endpoints, prefix: '/cluster-a' });
      const b = await openStore({ backend: 'etcd', endpoints: etcd.endpoints, prefix: '/cluster-b' });
      await a.create('/registry/x', new Uint8Array([1]));
      assert.equal(await b.get('/registry/x'), undefined);
      assert.equal(await b.count('/'), 0);
      assert.equal(await a.count('/'), 1);
      await a.close();
      await b.close();
    } finally {
      await etcd.stop();
    }
  });

  it('fails clearly when etcd is unreachable', async () => {
    await assert.rejects(
      openStore({ backend: 'etcd', endpoints: ['http://127.0.0.1:9'], prefix: '/p', callTimeoutMs: 500 }),
      (err: unknown) => err instanceof StorageError && /cannot reach etcd/.test(err.message),
    );
  });
});
