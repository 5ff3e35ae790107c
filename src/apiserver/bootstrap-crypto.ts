/**
 * Sealing of the cluster's bootstrap data (CA, keys, admin token) with the cluster token,
 * as k3s protects what it keeps in the datastore: AES-256-GCM under a key derived from
 * the token with scrypt and a random salt stored beside the ciphertext. Anyone who can
 * read the datastore but does not know the token learns nothing; a wrong token fails the
 * GCM tag check instead of yielding garbage.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';

/** What is stored: JSON with base64 fields; `v` lets a later format coexist. */
interface Sealed {
  v: 1;
  kdf: 'scrypt';
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

/** scrypt cost: ~30 ms once per start, only with a token; 16 MiB of memory. */
const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;
/** Authenticated with the ciphertext, so a blob cannot be replayed under another format. */
const AAD = Buffer.from('skiff-bootstrap-v1');

/** Thrown when the token does not open the stored data. */
export class WrongTokenError extends Error {
  constructor(message = 'the token does not match the one the cluster was created with (bootstrap data cannot be decrypted)') {
    super(message);
    this.name = 'WrongTokenError';
  }
}

/** The short, non-reversible name a token's bootstrap data is stored under. */
export function tokenKeyId(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

function deriveKey(token: string, salt: Buffer): Buffer {
  return scryptSync(Buffer.from(token, 'utf8'), salt, 32, SCRYPT);
}

/** Encrypts `plain` with a fresh salt and IV; returns the bytes to store. */
export function seal(token: string, plain: Uint8Array): Uint8Array {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(token, salt), iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const sealed: Sealed = { v: 1, kdf: 'scrypt', salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  return Buffer.from(JSON.stringify(sealed), 'utf8');
}

/** Decrypts what `seal` produced. Throws `WrongTokenError` when the token does not fit, Error when the bytes are not ours. */
export function open(token: string, stored: Uint8Array): Buffer {
  let sealed: Sealed;
  try {
    sealed = JSON.parse(Buffer.from(stored).toString('utf8')) as Sealed;
  } catch {
    throw new Error('the stored bootstrap data is not in a format this skiff understands');
  }
  if (sealed.v !== 1 || sealed.kdf !== 'scrypt') throw new Error(`the stored bootstrap data has an unknown format (v=${String(sealed.v)})`);
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(token, Buffer.from(sealed.salt, 'base64')), Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(AAD);
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    throw new WrongTokenError();
  }
}
