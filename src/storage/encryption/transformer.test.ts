import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { parseEncryptionConfig } from './config.js';
import { DecryptionError, EncryptionTransformer } from './transformer.js';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);
const SECRET = '/registry/core/secrets/default/db';
const plain = Buffer.from('{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}');

function transformer(...providers: unknown[]): EncryptionTransformer {
  const text = JSON.stringify({ kind: 'EncryptionConfiguration', apiVersion: 'apiserver.config.k8s.io/v1', resources: [{ resources: ['secrets'], providers }] });
  return new EncryptionTransformer({ rules: parseEncryptionConfig(text) });
}
const aescbc = (name: string, key: Buffer) => ({ aescbc: { keys: [{ name, secret: key.toString('base64') }] } });
const aesgcm = (name: string, key: Buffer) => ({ aesgcm: { keys: [{ name, secret: key.toString('base64') }] } });

function refusedWith(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof DecryptionError && err.key === SECRET && message.test(err.message));
}

describe('EncryptionTransformer', () => {
  it('aescbc: prefix, random IV, AES-256-CBC with PKCS#7 padding, round trip', () => {
    const t = transformer(aescbc('key1', KEY_A));
    const stored = Buffer.from(t.toStorage(SECRET, plain));
    const prefix = 'k8s:enc:aescbc:v1:key1:';
    assert.equal(stored.subarray(0, prefix.length).toString(), prefix);
    assert.ok(!stored.includes(plain.subarray(10, 30)), 'no plaintext in the stored value');
    const body = stored.subarray(prefix.length);
    assert.equal(body.length, 16 + (Math.floor(plain.length / 16) + 1) * 16, 'IV + padded blocks');
    // Decrypt independently: the upstream format, not just our own inverse.
    const d = createDecipheriv('aes-256-cbc', KEY_A, body.subarray(0, 16));
    assert.deepEqual(Buffer.concat([d.update(body.subarray(16)), d.final()]), plain);
    assert.deepEqual(Buffer.from(t.fromStorage(SECRET, stored).value), plain);
    assert.notDeepEqual(Buffer.from(t.toStorage(SECRET, plain)), stored, 'a fresh IV per write');
  });

  it('aesgcm: prefix, 12-byte nonce, ciphertext and tag bound to the key', () => {
    const t = transformer(aesgcm('g1', KEY_A));
    const stored = Buffer.from(t.toStorage(SECRET, plain));
    const prefix = 'k8s:enc:aesgcm:v1:g1:';
    assert.equal(stored.subarray(0, prefix.length).toString(), prefix);
    assert.equal(stored.length, prefix.length + 12 + plain.length + 16);
    const body = stored.subarray(prefix.length);
    const d = createDecipheriv('aes-256-gcm', KEY_A, body.subarray(0, 12));
    d.setAAD(Buffer.from(SECRET));
    d.setAuthTag(body.subarray(body.length - 16));
    assert.deepEqual(Buffer.concat([d.update(body.subarray(12, body.length - 16)), d.final()]), plain);
    assert.deepEqual(Buffer.from(t.fromStorage(SECRET, stored).value), plain);
    // The same bytes under another key do not authenticate.
    assert.throws(() => t.fromStorage('/registry/core/secrets/default/other', stored), /authentication failed/);
    const tampered = Buffer.from(stored);
    tampered[tampered.length - 1]! ^= 1;
    refusedWith(() => t.fromStorage(SECRET, tampered), /aesgcm key "g1": authentication failed/);
  });

  it('after a rotation the new key writes and the old one still reads', () => {
    const before = transformer(aescbc('key1', KEY_A));
    const old = before.toStorage(SECRET, plain);
    const rotated = transformer({ aescbc: { keys: [{ name: 'key2', secret: KEY_B.toString('base64') }, { name: 'key1', secret: KEY_A.toString('base64') }] } });
    assert.deepEqual(Buffer.from(rotated.fromStorage(SECRET, old).value), plain);
    assert.equal(rotated.fromStorage(SECRET, old).stale, true, 'read with the second key: stale');
    assert.equal(rotated.fromStorage(SECRET, rotated.toStorage(SECRET, plain)).stale, false);
    assert.equal(Buffer.from(rotated.toStorage(SECRET, plain)).subarray(0, 23).toString(), 'k8s:enc:aescbc:v1:key2:');
    // Across providers too.
    const toGcm = transformer(aesgcm('g1', KEY_B), aescbc('key1', KEY_A));
    assert.deepEqual(Buffer.from(toGcm.fromStorage(SECRET, old).value), plain);
  });

  it('refuses a value whose prefix no provider has, naming it', () => {
    const old = transformer(aescbc('key1', KEY_A)).toStorage(SECRET, plain);
    const t = transformer(aescbc('key2', KEY_B), { identity: {} });
    refusedWith(() => t.fromStorage(SECRET, old), /no configured provider matches its prefix "k8s:enc:aescbc:v1:key1:" \(configured: aescbc key "key2", identity\)/);
  });

  it('refuses a value under a known name but another key (bad padding, never garbage)', () => {
    const old = transformer(aescbc('key1', KEY_A)).toStorage(SECRET, Buffer.alloc(100, 0x41));
    const t = transformer(aescbc('key1', KEY_B));
    let result: Uint8Array | undefined;
    try {
      result = t.fromStorage(SECRET, old).value;
    } catch (err) {
      assert.ok(err instanceof DecryptionError && /aescbc key "key1"/.test(err.message), String(err));
    }
    // One time in ~256 a wrong key yields valid padding; it then must at least not be the plaintext.
    if (result) assert.notDeepEqual(Buffer.from(result), Buffer.alloc(100, 0x41));
  });

  it('reads unencrypted values only when identity is listed, as upstream', () => {
    refusedWith(() => transformer(aescbc('key1', KEY_A)).fromStorage(SECRET, plain), /not encrypted and "identity" is not among the providers of secrets/);
    assert.deepEqual(transformer(aescbc('key1', KEY_A), { identity: {} }).fromStorage(SECRET, plain), { value: plain, stale: true });
    // identity first writes plaintext (the way back from encryption) and still reads the encrypted rest.
    const t = transformer({ identity: {} }, aescbc('key1', KEY_A));
    assert.deepEqual(Buffer.from(t.toStorage(SECRET, plain)), plain);
    const enc = transformer(aescbc('key1', KEY_A)).toStorage(SECRET, plain);
    assert.deepEqual(Buffer.from(t.fromStorage(SECRET, enc).value), plain);
    refusedWith(() => transformer({ identity: {} }).fromStorage(SECRET, enc), /no configured provider matches its prefix "k8s:enc:aescbc:v1:key1:"/);
  });

  it('leaves keys of other resources alone', () => {
    const t = transformer(aescbc('key1', KEY_A));
    const cm = '/registry/core/configmaps/default/c';
    assert.equal(t.covers(cm), false);
    assert.equal(t.toStorage(cm, plain), plain);
    assert.deepEqual(t.fromStorage(cm, plain), { value: plain, stale: false });
  });
});
