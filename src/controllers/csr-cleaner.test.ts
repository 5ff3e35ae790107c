import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CertificateSigningRequest } from '../api/certificates/v1/index.js';
import { csrDeadline } from './csr-cleaner.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-28T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString().replace(/\.\d+Z$/, 'Z');
const csr = (conditions: Array<[string, number]>, certificate?: string): CertificateSigningRequest => ({
  metadata: { name: 'c', creationTimestamp: at(0) },
  spec: { request: '', signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
  status: { conditions: conditions.map(([type, t]) => ({ type, status: 'True', lastUpdateTime: at(t) })), ...(certificate ? { certificate } : {}) },
});

test('pending requests go after 24 h, decided ones an hour after the decision', () => {
  assert.equal(csrDeadline(csr([])), T0 + 24 * HOUR);
  assert.equal(csrDeadline(csr([['Denied', 2 * HOUR]])), T0 + 3 * HOUR);
  assert.equal(csrDeadline(csr([['Approved', HOUR], ['Failed', 2 * HOUR]])), T0 + 3 * HOUR);
  // Approved and not issued (another signer's request): kept until issued or denied.
  assert.equal(csrDeadline(csr([['Approved', HOUR]])), Infinity);
});

test('issued requests go an hour after approval, or when the certificate expired if sooner', () => {
  const notACert = Buffer.from('junk').toString('base64');
  assert.equal(csrDeadline(csr([['Approved', HOUR]], notACert)), T0 + 2 * HOUR);
});
