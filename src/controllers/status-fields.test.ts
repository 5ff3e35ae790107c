import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { omitZero, sameJson, statusMergePatch } from './status-fields.js';

describe('status fields (pure)', () => {
  it('omitZero leaves out the listed zero fields only; statusMergePatch nulls what is gone', () => {
    const s = omitZero({ replicas: 0, readyReplicas: 0, availableReplicas: 2, revision: '' }, ['readyReplicas', 'availableReplicas', 'revision']);
    assert.deepEqual(s, { replicas: 0, availableReplicas: 2 });
    assert.deepEqual(statusMergePatch({ replicas: 3, readyReplicas: 3, conditions: [] }, s), { replicas: 0, availableReplicas: 2, readyReplicas: null, conditions: null });
    assert.deepEqual(statusMergePatch(undefined, s, ['readyReplicas', 'availableReplicas']), { replicas: 0, availableReplicas: 2, readyReplicas: null }, 'managed fields are nulled even when the cached status lacks them');
  });

  it('sameJson ignores key order but not a zero in place of an absent field', () => {
    assert.ok(sameJson({ a: 1, b: { c: 2, d: [1, 2] } }, { b: { d: [1, 2], c: 2 }, a: 1 }));
    assert.ok(!sameJson({ a: 1, b: 0 }, { a: 1 }));
    assert.ok(!sameJson({ d: [1, 2] }, { d: [2, 1] }));
  });
});
