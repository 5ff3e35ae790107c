/**
 * The pod-template-hash, as Kubernetes' controller.ComputeHash: FNV-32a over the pod
 * template (plus the collision count as 4 little-endian bytes in an 8-byte buffer), the
 * 32-bit sum printed in decimal, then each byte of that string mapped into
 * rand.SafeEncodeString's alphabet (no vowels, no confusable characters).
 *
 * Upstream hashes the Go struct through spew's `%#v` printer; we hash a canonical JSON
 * rendering (keys sorted, empty values dropped) instead, so values differ from a real
 * cluster's — what matters (stable per template, changes when the template changes,
 * collision count salts it, same alphabet and length range) is the same.
 */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each byte of s becomes SAFE_ALPHABET[byte % 27]. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += SAFE_ALPHABET[b % SAFE_ALPHABET.length];
  return out;
}

/** JSON with object keys sorted and null/undefined members dropped (stable across key order). */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined && o[k] !== null).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let bytes: Uint8Array = Buffer.from(canonicalJson(template), 'utf8');
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = Buffer.alloc(8);
    extra.writeUInt32LE(collisionCount >>> 0, 0);
    bytes = Buffer.concat([bytes, extra]);
  }
  return safeEncodeString(String(fnv32a(bytes)));
}
