import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, computeHash, fnv32a, safeEncodeString, SAFE_ALPHABET } from './hash.js';

describe('pod-template-hash', () => {
  it('FNV-32a matches the reference vectors', () => {
    assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
    assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
    assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
  });

  it('SafeEncodeString maps decimal digits as Kubernetes does (byte % 27 into bcdf…789)', () => {
    assert.equal(SAFE_ALPHABET.length, 27);
    // '0' is byte 48 → 48 % 27 = 21 → '4'; '6' is 54 → 0 → 'b'.
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });

  it('is stable under key order, changes with the template and with the collision count', () => {
    const a = { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { tier: 'fe', app: 'web' } } };
    assert.equal(computeHash(a), computeHash(b));
    assert.equal(canonicalJson(a), canonicalJson(b));
    const c = structuredClone(a);
    c.spec.containers[0]!.image = 'nginx:2';
    assert.notEqual(computeHash(a), computeHash(c));
    assert.notEqual(computeHash(a), computeHash(a, 1));
    assert.notEqual(computeHash(a, 1), computeHash(a, 2));
    // Decimal of a uint32 is 1–10 digits, so 1–10 characters from the digit images.
    for (const h of [computeHash(a), computeHash(c), computeHash(a, 7)]) assert.match(h, /^[456789bcdf]{1,10}$/);
  });
});
