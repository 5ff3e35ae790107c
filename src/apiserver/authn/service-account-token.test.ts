import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { API_AUDIENCE, ServiceAccountKeys, ServiceAccountTokenAuthenticator } from './service-account-token.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-keys-'));
const keys = ServiceAccountKeys.loadOrCreate(join(dir, 'sa.key'));
const NOW = 1_800_000_000;
const claims = { namespace: 'ns', name: 'bot', uid: 'u-1', audiences: [API_AUDIENCE], issuedAt: NOW, expiresAt: NOW + 3600 };
const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as IncomingMessage;
const authn = () => {
  const a = new ServiceAccountTokenAuthenticator(keys, () => NOW * 1000 + 5000);
  a.upsert('ns', 'bot', 'u-1');
  return a;
};
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('the key is created once, private (0600), and reloaded with the same kid', () => {
  assert.equal(statSync(join(dir, 'sa.key')).mode & 0o777, 0o600);
  assert.equal(ServiceAccountKeys.loadOrCreate(join(dir, 'sa.key')).kid, keys.kid);
});

test('a token authenticates as its service account with the serviceaccounts groups', () => {
  const r = authn().authenticate(req(keys.issue(claims)));
  assert.deepEqual(r, { kind: 'user', user: { name: 'system:serviceaccount:ns:bot', uid: 'u-1', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns'] }, audiences: [API_AUDIENCE] });
});

test('expired, other-audience, deleted-account and recreated-account tokens are invalid', () => {
  assert.equal(authn().authenticate(req(keys.issue({ ...claims, expiresAt: NOW + 1 }))).kind, 'invalid');
  assert.equal(authn().authenticate(req(keys.issue({ ...claims, audiences: ['vault'] }))).kind, 'invalid');
  const a = authn();
  a.remove('ns', 'bot');
  assert.equal(a.authenticate(req(keys.issue(claims))).kind, 'invalid');
  a.upsert('ns', 'bot', 'u-2'); // deleted and created again: a new uid
  assert.equal(a.authenticate(req(keys.issue(claims))).kind, 'invalid');
});

test('tokens this key did not sign are not ours: alg none, another key, a changed payload, not a JWT', () => {
  const [h, p] = keys.issue(claims).split('.') as [string, string];
  const other = ServiceAccountKeys.loadOrCreate(join(dir, 'other.key'));
  for (const t of [
    `${b64({ alg: 'none' })}.${p}.`,
    other.issue(claims),
    `${h}.${b64({ sub: 'system:serviceaccount:kube-system:admin' })}.${keys.issue(claims).split('.')[2]}`,
    'just-a-token',
  ]) {
    assert.equal(authn().authenticate(req(t)).kind, 'none', t.slice(0, 40));
  }
  rmSync(dir, { recursive: true, force: true });
});

test('a token bound to a pod or secret ends with that object (while the lookup can tell)', () => {
  const bound = keys.issue({ ...claims, bound: { kind: 'Pod', name: 'web', uid: 'p-1' } });
  const a = authn();
  assert.equal(a.authenticate(req(bound)).kind, 'user', 'not checked without a lookup');
  let pods = new Map([['ns/web', 'p-1']]);
  let ready = true;
  a.setBoundObjects((kind, ns, name) => (!ready ? null : kind === 'Pod' ? pods.get(`${ns}/${name}`) : undefined));
  assert.equal(a.authenticate(req(bound)).kind, 'user');
  pods = new Map([['ns/web', 'p-2']]); // recreated under the same name
  assert.deepEqual(a.authenticate(req(bound)), { kind: 'invalid', reason: 'service account token has been invalidated: pod ns/web is gone' });
  ready = false;
  assert.equal(a.authenticate(req(bound)).kind, 'user', 'accepted while the lookup cannot tell');
  ready = true;
  assert.equal(a.authenticate(req(keys.issue({ ...claims, bound: { kind: 'Secret', name: 's', uid: 's-1' } }))).kind, 'invalid');
});
