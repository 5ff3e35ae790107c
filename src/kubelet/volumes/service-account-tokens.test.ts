import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/core/v1/pod.js';
import { ServiceAccountTokens, type TokenRequestSpec } from './service-account-tokens.js';

const pod = { metadata: { name: 'web', namespace: 'ns', uid: 'u-1' }, spec: { serviceAccountName: 'builder', containers: [] } } as unknown as Pod;

describe('service account tokens for projected volumes', () => {
  it('requests a pod-bound token once, and again after 80 % of its lifetime', async () => {
    let now = 1_000_000;
    const asked: Array<[string, string, TokenRequestSpec]> = [];
    const tokens = new ServiceAccountTokens(async (ns, account, spec) => {
      asked.push([ns, account, spec]);
      return { token: `t${asked.length}`, expirationTimestamp: new Date(now + spec.expirationSeconds * 1000).toISOString() };
    }, () => now);
    assert.equal(await tokens.tokenFor(pod, { expirationSeconds: 3607 }), 't1');
    assert.deepEqual(asked[0], ['ns', 'builder', { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'u-1' } }]);
    now += 2800_000; // 78 % of 3,607 s: still fresh
    assert.equal(await tokens.tokenFor(pod, { expirationSeconds: 3607 }), 't1');
    now += 100_000; // past 80 %
    assert.equal(await tokens.tokenFor(pod, { expirationSeconds: 3607 }), 't2');
    assert.equal(asked.length, 2);
    assert.equal(await tokens.tokenFor(pod, { audience: 'vault', expirationSeconds: 600 }), 't3', 'another audience is another token');
    assert.deepEqual(asked[2]?.[2].audiences, ['vault']);
    tokens.forget('u-1');
    assert.equal(await tokens.tokenFor(pod, { expirationSeconds: 3607 }), 't4', 'forgotten with the pod');
  });

  it('refreshes a long-lived token after 24 hours and passes request errors on', async () => {
    let now = 0;
    let n = 0;
    const tokens = new ServiceAccountTokens(async () => ({ token: `t${++n}`, expirationTimestamp: new Date(now + 365 * 86_400_000).toISOString() }), () => now);
    assert.equal(await tokens.tokenFor(pod, {}), 't1');
    now += 23 * 3600_000;
    assert.equal(await tokens.tokenFor(pod, {}), 't1');
    now += 2 * 3600_000;
    assert.equal(await tokens.tokenFor(pod, {}), 't2');
    const failing = new ServiceAccountTokens(async () => Promise.reject(new Error('serviceaccounts "builder" not found')));
    await assert.rejects(failing.tokenFor(pod, {}), /not found/);
  });
});
