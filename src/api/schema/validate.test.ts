import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject } from './validate.js';
import { applyDefaults } from './defaults.js';
import { pruneUnknownFields } from './prune.js';
import { GadgetKind } from './testdata.js';
import { NamespaceKind } from '../core/v1/namespace.js';
import type { SchemaFieldError } from './dsl.js';

const gadget = (spec: Record<string, unknown> = {}, meta: Record<string, unknown> = { name: 'g1', namespace: 'default' }) => ({
  apiVersion: 'test.skiff.dev/v1',
  kind: 'Gadget',
  metadata: meta,
  spec,
});
const render = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}${e.badValue !== undefined ? ' ' + JSON.stringify(e.badValue) : ''}`);

test('a well-formed object has no errors', () => {
  const errs = validateObject(
    GadgetKind,
    gadget({
      replicas: 3,
      parts: [{ name: 'a', image: 'nginx', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], limits: { cpu: '100m', memory: '1Gi' } }],
      tags: ['x', 'y'],
      target: 'http',
      weight: 0.5,
      enabled: true,
      payload: 'aGVsbG8=',
      extension: { anything: [1, 2] },
      startedAt: '2026-11-26T16:10:47Z',
      renewedAt: '2026-11-26T16:10:47.123456Z',
      cidr: '198.18.0.0/15',
      ip: '198.18.0.1',
      groups: { g: ['a'] },
    }),
  );
  assert.deepEqual(errs, []);
});

test('type errors carry the Kubernetes path', () => {
  const errs = validateObject(GadgetKind, gadget({ replicas: 'three', parts: [{ name: 'a', ports: [{ name: 'p', port: 1.5 }] }], enabled: 'yes' }));
  assert.deepEqual(render(errs), [
    'FieldValueTypeInvalid spec.replicas "three"',
    'FieldValueTypeInvalid spec.parts[0].ports[0].port 1.5',
    'FieldValueTypeInvalid spec.enabled "yes"',
  ]);
});

test('int32 range, minimum/maximum, maxLength', () => {
  const errs = validateObject(
    GadgetKind,
    gadget({ replicas: 2 ** 31, parts: [{ name: 'a', image: 'x'.repeat(21), ports: [{ name: 'p', port: 70000 }] }] }),
  );
  assert.deepEqual(render(errs), [
    'FieldValueTypeInvalid spec.replicas 2147483648',
    `FieldValueTooLong spec.parts[0].image "${'x'.repeat(21)}"`,
    'FieldValueInvalid spec.parts[0].ports[0].port 70000',
  ]);
  assert.equal(validateObject(GadgetKind, gadget({ replicas: -1 }))[0]?.message, 'must be greater than or equal to 0');
});

test('required fields, enums, formats, quantities', () => {
  const errs = validateObject(
    GadgetKind,
    gadget({
      parts: [{ image: 'x', pullPolicy: 'Sometimes', limits: { cpu: '1 core' } }],
      nodeName: 'Node_1',
      cidr: '198.18.0.0/33',
      ip: '300.1.1.1',
      startedAt: 'yesterday',
    }),
  );
  assert.deepEqual(render(errs), [
    'FieldValueRequired spec.parts[0].name',
    'FieldValueNotSupported spec.parts[0].pullPolicy "Sometimes"',
    'FieldValueTypeInvalid spec.parts[0].limits[cpu] "1 core"',
    'FieldValueInvalid spec.nodeName "Node_1"',
    'FieldValueTypeInvalid spec.startedAt "yesterday"',
    'FieldValueInvalid spec.cidr "198.18.0.0/33"',
    'FieldValueInvalid spec.ip "300.1.1.1"',
  ]);
  const notSupported = errs.find((e) => e.type === 'FieldValueNotSupported');
  assert.equal(notSupported?.message, 'supported values: "Always", "IfNotPresent", "Never"');
});

test('list-map keys and sets must be unique', () => {
  const errs = validateObject(
    GadgetKind,
    gadget({
      parts: [
        { name: 'a', ports: [{ name: 'p', port: 80, protocol: 'TCP' }, { name: 'q', port: 80, protocol: 'UDP' }, { name: 'r', port: 80, protocol: 'TCP' }] },
        { name: 'a' },
      ],
      tags: ['x', 'x'],
    }),
  );
  assert.deepEqual(render(errs), [
    'FieldValueDuplicate spec.parts[0].ports[2] {"port":80,"protocol":"TCP"}',
    'FieldValueDuplicate spec.parts[1].name "a"',
    'FieldValueDuplicate spec.tags[1] "x"',
  ]);
});

test('field, object and kind hooks run; a throwing hook becomes an InternalError', () => {
  assert.deepEqual(render(validateObject(GadgetKind, gadget({ mode: 'broken' }))), ['FieldValueInvalid spec.mode "broken"']);
  assert.deepEqual(render(validateObject(GadgetKind, gadget({ replicas: 11 }))), ['FieldValueRequired spec.parts']);
  assert.deepEqual(render(validateObject(GadgetKind, gadget({}, { name: 'forbidden' }))), ['FieldValueForbidden metadata.name']);
  const throwing = { ...GadgetKind, validate: () => { throw new Error('boom'); } };
  assert.deepEqual(render(validateObject(throwing, gadget({}))), ['InternalError ']);
});

test('hooks are skipped on ill-typed subtrees', () => {
  // replicas > 10 would trigger the object hook; the type error on parts must stop it.
  assert.deepEqual(render(validateObject(GadgetKind, gadget({ replicas: 11, parts: 'none' }))), ['FieldValueTypeInvalid spec.parts "none"']);
});

test('immutable fields on update', () => {
  const old = gadget({ selector: { app: 'a' } });
  assert.deepEqual(validateObject(GadgetKind, gadget({ selector: { app: 'a' } }), old), []);
  const errs = validateObject(GadgetKind, gadget({ selector: { app: 'b' } }, { name: 'g2', namespace: 'default' }), old);
  assert.deepEqual(render(errs), ['FieldValueInvalid metadata.name "g2"', 'FieldValueInvalid spec.selector {"app":"b"}']);
  assert.ok(errs.every((e) => e.message === 'field is immutable'));
  // On create, immutability does not apply.
  assert.deepEqual(validateObject(GadgetKind, gadget({ selector: { app: 'b' } })), []);
});

test('metadata: name, generateName, namespace scope, labels, annotations', () => {
  assert.deepEqual(render(validateObject(GadgetKind, gadget({}, {}))), ['FieldValueRequired metadata.name']);
  assert.equal(validateObject(GadgetKind, gadget({}, {}))[0]?.message, 'name or generateName is required');
  assert.deepEqual(validateObject(GadgetKind, gadget({}, { generateName: 'web-' })), []);
  assert.deepEqual(render(validateObject(GadgetKind, gadget({}, { name: 'Web' }))), ['FieldValueInvalid metadata.name "Web"']);
  assert.deepEqual(validateObject(GadgetKind, gadget({}, { name: 'a.b.c' })), []);
  assert.deepEqual(render(validateObject(NamespaceKind, { metadata: { name: 'a.b' } })), ['FieldValueInvalid metadata.name "a.b"'], 'namespaces are labels');
  assert.deepEqual(render(validateObject(NamespaceKind, { metadata: { name: 'a', namespace: 'x' } })), ['FieldValueForbidden metadata.namespace']);
  const meta = { name: 'a', labels: { 'app.kubernetes.io/name': 'ok', 'bad key': 'v', k: 'bad value!' }, annotations: { '/x': '' } };
  assert.deepEqual(render(validateObject(GadgetKind, gadget({}, meta))), [
    'FieldValueInvalid metadata.labels "bad key"',
    'FieldValueInvalid metadata.labels "bad value!"',
    'FieldValueInvalid metadata.annotations "/x"',
  ]);
  const big = validateObject(GadgetKind, gadget({}, { name: 'a', annotations: { a: 'x'.repeat(256 * 1024) } }));
  assert.deepEqual(render(big), ['FieldValueTooLong metadata.annotations']);
});

test('the Namespace kind: the kubectl create namespace body is valid', () => {
  assert.deepEqual(validateObject(NamespaceKind, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} }), []);
  const errs = validateObject(NamespaceKind, { metadata: { name: 'foo' }, status: { phase: 'Gone' } });
  assert.deepEqual(render(errs), ['FieldValueNotSupported status.phase "Gone"']);
});

test('never throws on odd JSON', () => {
  for (const v of [null, 1, 'x', [], { metadata: 5 }, { metadata: { name: 5, labels: [] } }, { spec: { parts: [null, 1, { ports: {} }] } }]) {
    const errs = validateObject(GadgetKind, v);
    assert.ok(Array.isArray(errs));
  }
  assert.deepEqual(validateObject(GadgetKind, []), [{ type: 'FieldValueTypeInvalid', field: '', message: 'must be a JSON object, got an array' }]);
  assert.deepEqual(validateObject(GadgetKind, 'x'), [{ type: 'FieldValueTypeInvalid', field: '', message: 'must be a JSON object', badValue: 'x' }]);
  // Objects in the wrong place are described, not quoted.
  assert.deepEqual(validateObject(GadgetKind, gadget({ parts: { a: 1 } })), [
    { type: 'FieldValueTypeInvalid', field: 'spec.parts', message: 'must be an array, got an object' },
  ]);
});

test('absurd nesting through a recursive type is an error, not a stack overflow', () => {
  let tree: Record<string, unknown> = { label: 'leaf' };
  for (let i = 0; i < 20000; i++) tree = { children: [tree] };
  const obj = gadget({ tree });
  const errs = validateObject(GadgetKind, obj);
  assert.equal(errs.length, 1);
  assert.equal(errs[0]?.type, 'FieldValueInvalid');
  assert.match(errs[0]?.message ?? '', /nested more than 256 levels deep/);
  applyDefaults(GadgetKind, obj);
  assert.deepEqual(pruneUnknownFields(GadgetKind, obj), []);
  // Moderate nesting is fine.
  let ok: Record<string, unknown> = { label: 'leaf' };
  for (let i = 0; i < 50; i++) ok = { children: [ok] };
  assert.deepEqual(validateObject(GadgetKind, gadget({ tree: ok })), []);
});
