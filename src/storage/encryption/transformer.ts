/**
 * Turns plain values into stored ones and back, per key, as kube-apiserver's prefix
 * transformers do: a key covered by a rule is written with the rule's first codec, and
 * read with whichever of its codecs recognises the stored prefix (so a key rotation is:
 * add the new key first, rewrite everything, drop the old key). Keys no rule covers pass
 * through untouched.
 */
import { StorageError } from '../errors.js';
import type { EncryptionRule } from './config.js';
import { ENCRYPTED_MARK } from './providers.js';

/** A stored value that no configured codec can read; maps to a 500 Status naming the key and the cause. */
export class DecryptionError extends StorageError {
  readonly key: string;
  constructor(key: string, why: string, options?: { cause?: unknown }) {
    super(`unable to decrypt the stored value of ${key}: ${why}`, options);
    this.key = key;
  }
}

export interface ValueTransformer {
  /** Whether values of `key` are transformed at all. */
  covers(key: string): boolean;
  /** The bytes to store for `key`. */
  toStorage(key: string, plain: Uint8Array): Uint8Array;
  /**
   * The plain bytes of a stored value, and whether it is `stale` (not in the form a write
   * would give it now); throws `DecryptionError` when no codec can read it.
   */
  fromStorage(key: string, stored: Uint8Array): { value: Uint8Array; stale: boolean };
}

export class EncryptionTransformer implements ValueTransformer {
  private readonly rules: readonly EncryptionRule[];

  constructor(config: { rules: readonly EncryptionRule[] }) {
    if (config.rules.some((r) => r.codecs.length === 0)) throw new Error('every encryption rule needs at least one provider');
    this.rules = config.rules;
  }

  covers(key: string): boolean {
    return this.ruleFor(key) !== undefined;
  }

  toStorage(key: string, plain: Uint8Array): Uint8Array {
    const rule = this.ruleFor(key);
    return rule ? (rule.codecs[0] as EncryptionRule['codecs'][number]).seal(key, plain) : plain;
  }

  fromStorage(key: string, stored: Uint8Array): { value: Uint8Array; stale: boolean } {
    const rule = this.ruleFor(key);
    if (!rule) return { value: stored, stale: false };
    const data = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    let firstFailure: string | undefined;
    for (const [i, codec] of rule.codecs.entries()) {
      if (!data.subarray(0, codec.prefix.length).equals(codec.prefix)) continue;
      try {
        return { value: codec.open(key, data.subarray(codec.prefix.length)), stale: i > 0 };
      } catch (err) {
        // As upstream, try the other matching codecs (identity matches everything) before giving up.
        firstFailure ??= `${codec.description}: ${(err as Error).message}`;
      }
    }
    const configured = rule.codecs.map((c) => c.description).join(', ');
    if (firstFailure && !firstFailure.startsWith('identity:')) throw new DecryptionError(key, firstFailure);
    if (data.subarray(0, ENCRYPTED_MARK.length).equals(ENCRYPTED_MARK)) {
      const head = data.subarray(0, 80).toString('latin1');
      const prefix = /^k8s:enc:[^:]*:[^:]*:[^:]*:/.exec(head)?.[0] ?? head.slice(0, ENCRYPTED_MARK.length);
      throw new DecryptionError(key, `no configured provider matches its prefix "${prefix}" (configured: ${configured})`);
    }
    throw new DecryptionError(key, `it is not encrypted and "identity" is not among the providers of ${rule.resources.join(', ')} (configured: ${configured}); list identity to read unencrypted data`);
  }

  private ruleFor(key: string): EncryptionRule | undefined {
    return this.rules.find((r) => r.matches(key));
  }
}
