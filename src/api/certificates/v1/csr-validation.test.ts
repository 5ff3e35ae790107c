import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCsrStatus, validateSignerName } from './csr-validation.js';

const messages = (errs: Array<{ field: string; message: string }>) => errs.map((e) => `${e.field}: ${e.message}`);

test('signer names are <domain>/<path>, the domain of two labels or more', () => {
  assert.deepEqual(validateSignerName('spec.signerName', 'example.com/my-signer'), []);
  assert.deepEqual(messages(validateSignerName('s', '')), ['s: ']);
  assert.deepEqual(messages(validateSignerName('s', 'a/b/c')), ["s: must be a fully qualified domain and path of the form 'example.com/signer-name'"]);
  assert.deepEqual(messages(validateSignerName('s', 'example/x')), ['s: should be a domain with at least two segments separated by dots']);
  assert.match(messages(validateSignerName('s', 'Example.com/x'))[0] ?? '', /^s: validating label "Example": a lowercase RFC 1123 label/);
  assert.match(messages(validateSignerName('s', 'example.com/UPPER'))[0] ?? '', /^s: validating label "UPPER": a lowercase RFC 1123 subdomain/);
});

test('conditions: Approved/Denied/Failed only True, exclusive, unique, never removed', () => {
  const approved = { type: 'Approved', status: 'True' };
  assert.deepEqual(validateCsrStatus({ conditions: [approved] }, 'status'), []);
  assert.deepEqual(messages(validateCsrStatus({ conditions: [{ type: 'Approved', status: 'False' }] }, 'status')), ['status.conditions[0].status: supported values: "True"']);
  assert.deepEqual(messages(validateCsrStatus({ conditions: [approved, { type: 'Denied', status: 'True' }] }, 'status')), ['status.conditions: Approved and Denied conditions are mutually exclusive']);
  assert.deepEqual(messages(validateCsrStatus({ conditions: [approved, approved] }, 'status')), ['status.conditions[1].type: ']);
  assert.deepEqual(messages(validateCsrStatus({ conditions: [{ type: 'Custom', status: 'Maybe' }] }, 'status')), ['status.conditions[0].status: supported values: "False", "True", "Unknown"']);
  assert.deepEqual(messages(validateCsrStatus({ conditions: [] }, 'status', { conditions: [approved] })), ['status.conditions: updates may not remove a condition of type "Approved"']);
});

test('the certificate: PEM certificates only, never replaced', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  assert.deepEqual(messages(validateCsrStatus({ certificate: b64('junk') }, 'status')), ['status.certificate: must contain at least one CERTIFICATE PEM block']);
  assert.deepEqual(messages(validateCsrStatus({ certificate: b64('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n') }, 'status')), [
    'status.certificate: only CERTIFICATE PEM blocks are allowed, found "PRIVATE KEY"',
  ]);
  assert.deepEqual(messages(validateCsrStatus({ certificate: b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') }, 'status')), ['status.certificate: x509: malformed certificate']);
});
