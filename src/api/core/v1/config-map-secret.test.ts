import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, toTable, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { ConfigMapKind, type ConfigMap } from './config-map.js';
import { SecretKind, type Secret } from './secret.js';
import { ServiceAccountKind, type ServiceAccount } from './service-account.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const now = new Date('2026-11-26T17:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function cm(): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-config', namespace: 'default', creationTimestamp: '2026-11-26T16:58:00Z' },
    data: { 'nginx.conf': 'server { listen 8080; }', LOG_LEVEL: 'info', '.hidden': 'x' },
    binaryData: { 'logo.png': b64('\x89PNG') },
  };
}

test('ConfigMap: valid keys pass; bad, clashing and immutable changes are rejected', () => {
  assert.deepEqual(validateObject(ConfigMapKind, cm()), []);
  const bad = cm();
  bad.data!['a/b'] = 'x';
  bad.binaryData!['LOG_LEVEL'] = b64('y');
  assert.deepEqual(brief(validateObject(ConfigMapKind, bad)), ['FieldValueInvalid data[LOG_LEVEL]', 'FieldValueInvalid data[a/b]']);
  const old = { ...cm(), immutable: true };
  const next = { ...cm(), immutable: true, data: { LOG_LEVEL: 'debug' } };
  assert.deepEqual(brief(validateObject(ConfigMapKind, next, old)), ['FieldValueForbidden data']);
  const unfreeze = { ...cm(), immutable: false };
  assert.deepEqual(brief(validateObject(ConfigMapKind, unfreeze, old)), ['FieldValueForbidden immutable']);
  const table = toTable(ConfigMapKind, [cm()], { now }) as { rows: { cells: unknown[] }[] };
  assert.deepEqual(table.rows[0]!.cells, ['web-config', 4, '2m']);
});

function secret(): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'default', creationTimestamp: '2026-11-26T16:00:00Z' },
    data: { username: b64('admin') },
    stringData: { password: 's3cret', username: 'root' },
  };
}

test('Secret: type defaults to Opaque and stringData is merged into data on write', () => {
  const s = secret();
  applyDefaults(SecretKind, s as Record<string, unknown>);
  assert.equal(s.type, 'Opaque');
  assert.equal(s.stringData, undefined);
  assert.deepEqual(s.data, { username: b64('root'), password: b64('s3cret') });
  assert.deepEqual(validateObject(SecretKind, s), []);
  const table = toTable(SecretKind, [s], { now }) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.deepEqual(table.columnDefinitions.map((c) => c.name), ['Name', 'Type', 'Data', 'Age']);
  assert.deepEqual(table.rows[0]!.cells, ['db', 'Opaque', 2, '60m']);
});

test('Secret: typed secrets need their keys; type and immutable data cannot change', () => {
  const tls: Secret = { metadata: { name: 'tls', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('cert') } };
  assert.deepEqual(brief(validateObject(SecretKind, tls)), ['FieldValueRequired data[tls.key]']);
  const old = secret();
  applyDefaults(SecretKind, old as Record<string, unknown>);
  const retyped = { ...structuredClone(old), type: 'kubernetes.io/basic-auth' };
  assert.deepEqual(brief(validateObject(SecretKind, retyped, old)), ['FieldValueInvalid type']);
  const frozen = { ...structuredClone(old), immutable: true };
  const edited = { ...structuredClone(frozen), data: { username: b64('x') } };
  assert.deepEqual(brief(validateObject(SecretKind, edited, frozen)), ['FieldValueForbidden data']);
  const badKey = { ...structuredClone(old), data: { 'no spaces': b64('x') } };
  assert.deepEqual(brief(validateObject(SecretKind, badKey)), ['FieldValueInvalid data[no spaces]']);
});

test('ServiceAccount validates and prints SECRETS', () => {
  const sa: ServiceAccount = {
    metadata: { name: 'builder', namespace: 'ci', creationTimestamp: '2026-11-26T16:00:00Z' },
    secrets: [{ name: 'builder-token' }],
    imagePullSecrets: [{ name: 'regcred' }],
    automountServiceAccountToken: false,
  };
  assert.deepEqual(validateObject(ServiceAccountKind, sa), []);
  const table = toTable(ServiceAccountKind, [sa], { now }) as { rows: { cells: unknown[] }[] };
  assert.deepEqual(table.rows[0]!.cells, ['builder', 1, '60m']);
});
