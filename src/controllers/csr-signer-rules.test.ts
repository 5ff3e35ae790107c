import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CertificateRequest } from '../machinery/certificate-request.js';
import { checkSignerRules } from './csr-signer-rules.js';

const req = (over: Partial<CertificateRequest> = {}): CertificateRequest => ({
  subject: Buffer.alloc(0),
  publicKey: Buffer.alloc(0),
  commonName: 'system:node:n1',
  organizations: ['system:nodes'],
  dnsNames: [],
  ipAddresses: [],
  emailAddresses: [],
  uris: [],
  ...over,
});

test('kube-apiserver-client: client auth required, only client usages', () => {
  const signer = 'kubernetes.io/kube-apiserver-client';
  assert.equal(checkSignerRules(signer, req({ commonName: 'jane', organizations: [] }), ['client auth', 'digital signature']), undefined);
  assert.equal(checkSignerRules(signer, req(), ['digital signature']), 'missing required usage for client certificate: client auth');
  assert.equal(checkSignerRules(signer, req(), ['client auth', 'server auth']), 'invalid usage for client certificate: server auth');
});

test('kube-apiserver-client-kubelet: a node, system:nodes only, no names', () => {
  const signer = 'kubernetes.io/kube-apiserver-client-kubelet';
  assert.equal(checkSignerRules(signer, req(), ['client auth', 'digital signature', 'key encipherment']), undefined);
  assert.equal(checkSignerRules(signer, req({ organizations: ['system:nodes', 'x'] }), ['client auth']), 'subject organization is not system:nodes');
  assert.equal(checkSignerRules(signer, req({ dnsNames: ['n1'] }), ['client auth']), 'DNS subjectAltNames are not allowed');
  assert.equal(checkSignerRules(signer, req({ commonName: 'n1' }), ['client auth']), 'subject common name does not begin with system:node:');
  assert.match(checkSignerRules(signer, req(), ['server auth']) ?? '', /^usages did not match/);
});

test('kubelet-serving: DNS or IP names required, server auth', () => {
  const signer = 'kubernetes.io/kubelet-serving';
  assert.equal(checkSignerRules(signer, req({ ipAddresses: ['198.18.0.1'] }), ['server auth', 'digital signature']), undefined);
  assert.equal(checkSignerRules(signer, req(), ['server auth']), 'DNS or IP subjectAltName is required');
  assert.equal(checkSignerRules(signer, req({ dnsNames: ['n1'], uris: ['spiffe://x'] }), ['server auth']), 'URI subjectAltNames are forbidden');
  assert.match(checkSignerRules(signer, req({ dnsNames: ['n1'] }), ['client auth']) ?? '', /^usages did not match/);
});
