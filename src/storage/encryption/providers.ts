/**
 * The value formats of kube-apiserver's encryption providers, byte for byte:
 *   aescbc   `k8s:enc:aescbc:v1:<key name>:` + 16-byte IV + AES-CBC ciphertext (PKCS#7 padded)
 *   aesgcm   `k8s:enc:aesgcm:v1:<key name>:` + 12-byte nonce + ciphertext + 16-byte tag,
 *            with the storage key as additional authenticated data (so a value copied to
 *            another key does not decrypt)
 *   identity the plain bytes, no prefix
 * Each (provider, key) pair is one `PrefixedCodec`; a configuration is an ordered list of them.
 */
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';

/** One way of storing values, recognised by the prefix it writes. */
export interface PrefixedCodec {
  /** Written before every value this codec stores; empty for identity. */
  readonly prefix: Buffer;
  /** For messages: `aescbc key "key1"`, `identity`. */
  readonly description: string;
  /** The full stored form of `plain` (prefix included). */
  seal(key: string, plain: Uint8Array): Buffer;
  /** The plain bytes of `body` (the stored value without the prefix); throws when they cannot be recovered. */
  open(key: string, body: Buffer): Buffer;
}

/** Marks every encrypted value, whatever the provider: identity refuses to read these. */
export const ENCRYPTED_MARK = Buffer.from('k8s:enc:');

const CBC_IV = 16;
const GCM_NONCE = 12;
const GCM_TAG = 16;

export function aescbcCodec(name: string, secret: Buffer): PrefixedCodec {
  if (secret.length !== 32) throw new Error(`aescbc key "${name}" must be 32 bytes, got ${secret.length}`);
  const prefix = Buffer.from(`k8s:enc:aescbc:v1:${name}:`);
  return {
    prefix,
    description: `aescbc key "${name}"`,
    seal(_key, plain) {
      const iv = randomBytes(CBC_IV);
      const c = createCipheriv('aes-256-cbc', secret, iv); // Node pads with PKCS#7 by default
      return Buffer.concat([prefix, iv, c.update(plain), c.final()]);
    },
    open(_key, body) {
      if (body.length < CBC_IV * 2 || (body.length - CBC_IV) % 16 !== 0) throw new Error('the stored data is not an IV and whole AES blocks');
      const d = createDecipheriv('aes-256-cbc', secret, body.subarray(0, CBC_IV));
      try {
        return Buffer.concat([d.update(body.subarray(CBC_IV)), d.final()]);
      } catch {
        // CBC has no integrity check: bad padding is all a wrong key shows.
        throw new Error('invalid padding after decryption (wrong key or corrupted data)');
      }
    },
  };
}

export function aesgcmCodec(name: string, secret: Buffer): PrefixedCodec {
  if (![16, 24, 32].includes(secret.length)) throw new Error(`aesgcm key "${name}" must be 16, 24 or 32 bytes, got ${secret.length}`);
  const algorithm = `aes-${secret.length * 8}-gcm` as CipherGCMTypes;
  const prefix = Buffer.from(`k8s:enc:aesgcm:v1:${name}:`);
  return {
    prefix,
    description: `aesgcm key "${name}"`,
    seal(key, plain) {
      const nonce = randomBytes(GCM_NONCE);
      const c = createCipheriv(algorithm, secret, nonce);
      c.setAAD(Buffer.from(key));
      const body = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([prefix, nonce, body, c.getAuthTag()]);
    },
    open(key, body) {
      if (body.length < GCM_NONCE + GCM_TAG) throw new Error('the stored data is shorter than a nonce and a tag');
      const d = createDecipheriv(algorithm, secret, body.subarray(0, GCM_NONCE));
      d.setAAD(Buffer.from(key));
      d.setAuthTag(body.subarray(body.length - GCM_TAG));
      try {
        return Buffer.concat([d.update(body.subarray(GCM_NONCE, body.length - GCM_TAG)), d.final()]);
      } catch {
        throw new Error('authentication failed (wrong key, corrupted data, or a value moved from another key)');
      }
    },
  };
}

export const identityCodec: PrefixedCodec = {
  prefix: Buffer.alloc(0),
  description: 'identity',
  seal: (_key, plain) => Buffer.from(plain),
  open(_key, body) {
    // As upstream: identity matches every value, so it must not pass ciphertext off as data.
    if (body.subarray(0, ENCRYPTED_MARK.length).equals(ENCRYPTED_MARK)) throw new Error('identity cannot read encrypted data');
    return body;
  },
};
