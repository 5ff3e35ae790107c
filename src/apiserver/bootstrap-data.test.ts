/**
 * Bootstrap data shared through a real etcd: sealing round-trips, a wrong token is
 * refused, and servers starting at once on an empty store end up with the same CA.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdStore } from '../storage/etcd/etcd-store.js';
import { startEtcd, type TestEtcd } from '../storage/etcd/test-etcd.js';
import { open, seal, WrongTokenError } from './bootstrap-crypto.js';
import { BOOTSTRAP_PREFIX, SHARED_FILES, syncBootstrapData } from './bootstrap-data.js';

describe('bootstrap data', () => {
  let etcd: TestEtcd | undefined;
  const stores: EtcdStore[] = [];
  const dirs: string[] = [];
  let n = 0;
  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'skiff-bootstrap-'));
    dirs.push(d);
    return d;
  };
  const store = async (prefix: string): Promise<EtcdStore> => {
    const s = await EtcdStore.open({ endpoints: etcd!.endpoints, prefix });
    stores.push(s);
    return s;
  };
  const read = (dir: string): string[] => SHARED_FILES.map((f) => readFileSync(join(dir, f), 'utf8'));

  before(async () => {
    etcd = await startEtcd({ autoCompactionRetention: 0 });
  });
  after(async () => {
    for (const s of stores) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await etcd?.stop();
  });

  it('seals and opens with the same token, and refuses another', () => {
    const sealed = seal('tok-1', Buffer.from('secret bytes'));
    assert.equal(open('tok-1', sealed).toString(), 'secret bytes');
    assert.ok(!Buffer.from(sealed).toString().includes('secret bytes'));
    assert.throws(() => open('tok-2', sealed), WrongTokenError);
  });

  it('stores on first start and loads the same files on another server', async () => {
    const prefix = `/c${++n}`;
    const first = dataDir();
    assert.equal(await syncBootstrapData({ store: await store(prefix), dataDir: first, token: 'T' }), 'stored');
    const second = dataDir();
    assert.equal(await syncBootstrapData({ store: await store(prefix), dataDir: second, token: 'T' }), 'loaded');
    assert.deepEqual(read(second), read(first));
    // The stored value is not the plain CA key.
    const kvs = (await (await store(prefix)).list(BOOTSTRAP_PREFIX)).items;
    assert.equal(kvs.length, 1);
    assert.ok(!Buffer.from(kvs[0]!.value).toString().includes('PRIVATE KEY'));
    // A restart of the first server loads its own data back and keeps it.
    assert.equal(await syncBootstrapData({ store: await store(prefix), dataDir: first, token: 'T' }), 'loaded');
    assert.deepEqual(read(first), read(second));
  });

  it('refuses a wrong token with WrongTokenError and writes nothing', async () => {
    const prefix = `/c${++n}`;
    await syncBootstrapData({ store: await store(prefix), dataDir: dataDir(), token: 'right' });
    const wrong = dataDir();
    await assert.rejects(syncBootstrapData({ store: await store(prefix), dataDir: wrong, token: 'wrong' }), (err: unknown) => {
      assert.ok(err instanceof WrongTokenError);
      assert.match((err as Error).message, /different token/);
      return true;
    });
    assert.throws(() => readFileSync(join(wrong, 'tls', 'ca.key')), /ENOENT/);
    assert.equal((await (await store(prefix)).list(BOOTSTRAP_PREFIX)).items.length, 1);
  });

  it('servers starting at once on an empty store agree on one CA', async () => {
    const prefix = `/c${++n}`;
    const dirsNow = [dataDir(), dataDir(), dataDir()];
    const stores3 = await Promise.all(dirsNow.map(() => store(prefix)));
    const results = await Promise.all(dirsNow.map((d, i) => syncBootstrapData({ store: stores3[i]!, dataDir: d, token: 'same' })));
    assert.equal(results.filter((r) => r === 'stored').length, 1, `results: ${results.join(',')}`);
    const [a, b, c] = dirsNow.map(read);
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
  });
});
