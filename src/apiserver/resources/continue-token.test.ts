import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeContinue, encodeContinue } from './continue-token.js';

test('continue tokens round-trip and reject foreign input', () => {
  const t = encodeContinue({ rev: 42, start: '/registry/core/pods/default/a' });
  assert.deepEqual(decodeContinue(t), { rev: 42, start: '/registry/core/pods/default/a' });
  assert.equal(decodeContinue('not-a-token'), undefined);
  assert.equal(decodeContinue(Buffer.from('{"v":"x","rv":1,"start":"a"}').toString('base64url')), undefined);
  assert.equal(decodeContinue(Buffer.from('{"v":"meta.k8s.io/v1","rv":-1,"start":"a"}').toString('base64url')), undefined);
});
