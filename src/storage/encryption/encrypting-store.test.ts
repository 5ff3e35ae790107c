import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../contract-suite.js';
import { ConflictError } from '../errors.js';
import { openStore } from '../index.js';
import type { Store, WatchEvent } from '../store.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import { aesgcmCodec, aescbcCodec, identityCodec } from './providers.js';
import { EncryptingStore } from './encrypting-store.js';
import { DecryptionError, EncryptionTransformer } from './transformer.js';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);
const secretsOnly = (key: string) => key.startsWith('/registry/core/secrets/');
const text = (b: Uint8Array) => Buffer.from(b).toString();
const bytes = (s: string) => Buffer.from(s);

// The whole store contract holds with every value encrypted.
let contractDir = '';
let n = 0;
storeContract('sqlite behind EncryptingStore (aesgcm on every key)', {
  async setup() {
    contractDir = mkdtempSync(join(tmpdir(), 'skiff-enc-contract-'));
  },
  async teardown() {
    rmSync(contractDir, { recursive: true, force: true });
  },
  async newLocation() {
    return join(contractDir, `db-${++n}.sqlite`);
  },
  open: async (path) =>
    new EncryptingStore({
      store: await SqliteStore.open({ path, autoCompaction: false }),
      transformer: new EncryptionTransformer({ rules: [{ resources: ['*'], matches: () => true, codecs: [aesgcmCodec('k', KEY_A)] }] }),
    }),
});

describe('EncryptingStore', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-enc-store-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const open = async (name: string) => {
    const raw = await SqliteStore.open({ path: join(dir, `${name}.db`), autoCompaction: false });
    const errors: DecryptionError[] = [];
    const withKeys = (...keys: [name: string, secret: Buffer][]) =>
      new EncryptingStore({
        store: raw,
        transformer: new EncryptionTransformer({ rules: [{ resources: ['secrets'], matches: secretsOnly, codecs: keys.map(([k, s]) => aescbcCodec(k, s)) }] }),
        onDecryptError: (e) => errors.push(e),
      });
    return { raw, errors, withKeys };
  };

  it('stores covered keys encrypted and serves them plain on every read path', async () => {
    const { raw, withKeys } = await open('paths');
    const s: Store = withKeys(['key1', KEY_A]);
    const events: WatchEvent[] = [];
    const w = s.watch('/registry/', await s.currentRevision(), (es) => events.push(...es), (e) => assert.fail(e));
    const created = await s.create('/registry/core/secrets/ns/a', bytes('{"v":"plain-one"}'));
    assert.equal(text(created.value), '{"v":"plain-one"}');
    await s.create('/registry/core/configmaps/ns/c', bytes('{"v":"visible"}'));

    const stored = await raw.get('/registry/core/secrets/ns/a');
    assert.ok(text(stored!.value).startsWith('k8s:enc:aescbc:v1:key1:'));
    assert.ok(!text(stored!.value).includes('plain-one'));
    assert.equal(text((await raw.get('/registry/core/configmaps/ns/c'))!.value), '{"v":"visible"}');

    assert.equal(text((await s.get('/registry/core/secrets/ns/a'))!.value), '{"v":"plain-one"}');
    const listed = await s.list('/registry/');
    assert.deepEqual(listed.items.map((kv) => text(kv.value)), ['{"v":"visible"}', '{"v":"plain-one"}']);

    const updated = await s.update('/registry/core/secrets/ns/a', bytes('{"v":"plain-two"}'), created.modRevision);
    const conflict = await s.update('/registry/core/secrets/ns/a', bytes('{}'), created.modRevision).catch((e: unknown) => e);
    assert.ok(conflict instanceof ConflictError);
    assert.equal(text(conflict.current.value), '{"v":"plain-two"}', 'a conflict carries the plain current value');
    const deleted = await s.delete('/registry/core/secrets/ns/a', updated.modRevision);
    assert.equal(text(deleted.value), '{"v":"plain-two"}');

    const deadline = Date.now() + 5000;
    while (events.length < 4 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    w.close();
    assert.deepEqual(
      events.map((e) => [e.type, text(e.kv.value), e.prevKv ? text(e.prevKv.value) : undefined]),
      [
        ['PUT', '{"v":"plain-one"}', undefined],
        ['PUT', '{"v":"visible"}', undefined],
        ['PUT', '{"v":"plain-two"}', '{"v":"plain-one"}'],
        ['DELETE', '{"v":"plain-two"}', '{"v":"plain-two"}'],
      ],
    );
    await raw.close();
  });

  it('after rotation reads old values, and a rewrite moves them to the new key', async () => {
    const { raw, withKeys } = await open('rotate');
    const kv = await withKeys(['key1', KEY_A]).create('/registry/core/secrets/ns/old', bytes('{"v":"old"}'));
    const rotated = withKeys(['key2', KEY_B], ['key1', KEY_A]);
    const read = await rotated.get(kv.key);
    assert.equal(text(read!.value), '{"v":"old"}');
    assert.equal(read!.stale, true, 'read with the old key: a rewrite is due');
    await rotated.update(kv.key, read!.value, read!.modRevision);
    assert.ok(text((await raw.get(kv.key))!.value).startsWith('k8s:enc:aescbc:v1:key2:'));
    assert.equal((await rotated.get(kv.key))!.stale, undefined);
    // The old key can go now.
    assert.equal(text((await withKeys(['key2', KEY_B]).get(kv.key))!.value), '{"v":"old"}');
    await raw.close();
  });

  it('refuses an unknown prefix on get, and skips it (reported) in list and watch', async () => {
    const { raw, errors, withKeys } = await open('unknown');
    await withKeys(['key1', KEY_A]).create('/registry/core/secrets/ns/lost', bytes('{"v":"lost"}'));
    const s = withKeys(['key2', KEY_B]);
    await s.create('/registry/core/secrets/ns/ok', bytes('{"v":"ok"}'));
    await assert.rejects(s.get('/registry/core/secrets/ns/lost'), (e: unknown) => e instanceof DecryptionError && /no configured provider matches its prefix "k8s:enc:aescbc:v1:key1:"/.test(e.message));
    const listed = await s.list('/registry/core/secrets/');
    assert.deepEqual(listed.items.map((kv) => [kv.key, text(kv.value)]), [['/registry/core/secrets/ns/lost', ''], ['/registry/core/secrets/ns/ok', '{"v":"ok"}']]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.key, '/registry/core/secrets/ns/lost');
    await raw.close();
  });
});

describe('openStore with encryption', () => {
  it('wraps the backend', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-enc-open-'));
    try {
      const encryption = new EncryptionTransformer({ rules: [{ resources: ['secrets'], matches: secretsOnly, codecs: [aescbcCodec('key1', KEY_A), identityCodec] }] });
      const s = await openStore({ backend: 'sqlite', path: join(dir, 'state.db'), autoCompaction: false, encryption });
      await s.create('/registry/core/secrets/ns/x', bytes('{"v":"x"}'));
      assert.equal(text((await s.get('/registry/core/secrets/ns/x'))!.value), '{"v":"x"}');
      await s.close();
      const raw = await openStore({ backend: 'sqlite', path: join(dir, 'state.db'), autoCompaction: false });
      assert.ok(text((await raw.get('/registry/core/secrets/ns/x'))!.value).startsWith('k8s:enc:aescbc:v1:key1:'));
      await raw.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
