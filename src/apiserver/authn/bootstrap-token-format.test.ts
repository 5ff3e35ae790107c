import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caHash, formatSecureToken, formatTtl, generateToken, parseTokenRef, parseTtl, tokenFromSecret, tokenSecret } from './bootstrap-token-format.js';

test('generateToken: 6 and 16 characters of [a-z0-9], different each time', () => {
  const a = generateToken();
  const b = generateToken();
  assert.match(a.id, /^[a-z0-9]{6}$/);
  assert.match(a.secret, /^[a-z0-9]{16}$/);
  assert.notEqual(`${a.id}.${a.secret}`, `${b.id}.${b.secret}`);
});

test('secure form round-trips through parseTokenRef; ids and plain tokens parse; junk does not', () => {
  const t = { id: 'abc123', secret: '0123456789abcdef' };
  const s = formatSecureToken('PEM', t);
  assert.equal(s, `K10${caHash('PEM')}::abc123.0123456789abcdef`);
  assert.deepEqual(parseTokenRef(s), { ...t, caHash: caHash('PEM') });
  assert.deepEqual(parseTokenRef('abc123.0123456789abcdef'), t);
  assert.deepEqual(parseTokenRef('abc123'), { id: 'abc123', secret: '' });
  for (const bad of ['ABC123', 'abc12', 'abc123.short', 'K10zz::abc123.0123456789abcdef', '']) assert.equal(parseTokenRef(bad), undefined, bad);
});

test('parseTtl and formatTtl', () => {
  assert.equal(parseTtl('24h'), 86_400_000);
  assert.equal(parseTtl('1h30m'), 5_400_000);
  assert.equal(parseTtl('90s'), 90_000);
  assert.equal(parseTtl('0'), 0);
  for (const bad of ['', '1d', 'h', '-1h', '1.5h']) assert.throws(() => parseTtl(bad), bad);
  const now = new Date('2026-01-01T00:00:00Z');
  assert.equal(formatTtl(undefined, now), '<forever>');
  assert.equal(formatTtl(new Date('2026-01-01T23:59:00Z'), now), '23h');
  assert.equal(formatTtl(new Date('2026-01-01T00:10:30Z'), now), '10m');
  assert.equal(formatTtl(new Date('2025-12-31T00:00:00Z'), now), '<invalid>');
});

test('tokenSecret ↔ tokenFromSecret', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const s = tokenSecret({ id: 'abc123', secret: '0123456789abcdef' }, { now, ttlMs: 3_600_000, description: 'x' });
  assert.equal(s.metadata?.name, 'bootstrap-token-abc123');
  assert.equal(s.type, 'bootstrap.kubernetes.io/token');
  const back = tokenFromSecret(s);
  assert.deepEqual(back, { id: 'abc123', secret: '0123456789abcdef', expires: new Date('2026-01-01T01:00:00Z'), usages: ['authentication', 'signing'], description: 'x', groups: ['system:bootstrappers:skiff:default-node-token'] });
  assert.equal(tokenFromSecret({ ...s, type: 'Opaque' }), undefined);
  assert.equal(tokenFromSecret({ ...s, metadata: { name: 'bootstrap-token-zzzzzz', namespace: 'kube-system' } }), undefined);
  assert.throws(() => tokenSecret({ id: 'abc123', secret: 's' }, { now, ttlMs: 0 }), /6 and 16 characters/);
  assert.equal((tokenSecret({ id: 'abc123', secret: '0123456789abcdef' }, { now, ttlMs: 0 }).data as Record<string, string>).expiration, undefined);
});
