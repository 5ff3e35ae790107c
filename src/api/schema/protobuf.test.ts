import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeObject, encodeObject, SchemaCodecError } from './protobuf.js';
import { ProtobufError } from '../../machinery/protobuf-envelope.js';
import { sampleObject } from './sample.js';
import { GadgetKind } from './testdata.js';
import { NamespaceKind } from '../core/v1/namespace.js';
import { Registry } from '../registry.js';
import type { KindSpec, ObjectSchema } from './dsl.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

test('the captured `kubectl create namespace foo` body decodes to a Namespace named foo', () => {
  const obj = decodeObject(NamespaceKind, hex('0a130a03666f6f12001a0022002a0032003800420012001a020a00'));
  assert.deepEqual(obj, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' }, spec: {}, status: {} });
});

test('zero values: dropped for plain fields, kept for pointer/defaulted fields, map values and list items', () => {
  const bytes = encodeObject(GadgetKind, {
    metadata: { name: 'g', labels: { empty: '' } },
    spec: { replicas: 0, enabled: false, weight: 0, tags: [''], counts: [0, 5], startedAt: '2026-11-26T16:10:47Z' },
  });
  const back = decodeObject(GadgetKind, bytes);
  assert.deepEqual(back, {
    apiVersion: 'test.skiff.dev/v1',
    kind: 'Gadget',
    metadata: { name: 'g', labels: { empty: '' } },
    spec: { replicas: 0, tags: [''], enabled: false, startedAt: '2026-11-26T16:10:47Z', counts: [0, 5] },
  });
});

test('times: Time has second precision, MicroTime six digits; offsets normalise to UTC', () => {
  const back = decodeObject(
    GadgetKind,
    encodeObject(GadgetKind, { spec: { startedAt: '2026-11-26T17:10:47.9+01:00', renewedAt: '2026-11-26T16:10:47.1234567Z' } }),
  );
  assert.deepEqual(back['spec'], { startedAt: '2026-11-26T16:10:47Z', renewedAt: '2026-11-26T16:10:47.123456Z' });
});

test('quantities, int-or-strings, bytes and raw JSON', () => {
  const spec = { target: 'http', payload: 'AAEC/w==', extension: { a: [1, null, 'x'] }, parts: [{ name: 'p', limits: { cpu: 0.5, memory: '1Gi' } }] };
  const back = decodeObject(GadgetKind, encodeObject(GadgetKind, { spec }))['spec'] as Record<string, unknown>;
  assert.deepEqual(back, { ...spec, parts: [{ name: 'p', limits: { cpu: '0.5', memory: '1Gi' } }] });
  const num = decodeObject(GadgetKind, encodeObject(GadgetKind, { spec: { target: 8080 } }))['spec'];
  assert.deepEqual(num, { target: 8080 });
});

test('repeated scalars are accepted packed as well as unpacked; unknown fields are skipped', () => {
  // spec (2) { counts (16) packed [1, 300], field 99 varint 7, counts unpacked 2 }
  const inner = Buffer.concat([hex('820103'), hex('01ac02'), hex('980607'), hex('800102')]);
  const bytes = Buffer.concat([Buffer.from([0x12, inner.length]), inner]);
  assert.deepEqual(decodeObject(GadgetKind, bytes)['spec'], { counts: [1, 300, 2] });
});

test('inline-embedded structs: flat in JSON, one nested message in protobuf', () => {
  // spec (2) { 21: { 1: "x", 2: "y" } }
  const inner = Buffer.concat([hex('aa0106'), hex('0a0178'), hex('120179')]);
  const wire = Buffer.concat([Buffer.from([0x12, inner.length]), inner]);
  assert.deepEqual(decodeObject(GadgetKind, wire)['spec'], { sourceName: 'x', sourcePath: 'y' });
  assert.deepEqual(Buffer.from(encodeObject(GadgetKind, { spec: { sourceName: 'x', sourcePath: 'y' } })), wire);
});

test('int64 beyond 32 bits and negative int32 survive', () => {
  const back = decodeObject(GadgetKind, encodeObject(GadgetKind, { spec: { generation: 2 ** 40 + 3, counts: [-1, -2147483648] } }));
  assert.deepEqual(back['spec'], { generation: 2 ** 40 + 3, counts: [-1, -2147483648] });
});

test('malformed bytes raise SchemaCodecError', () => {
  for (const bad of ['0a', '0aff01', '12020a', '00', '0f', '0a050a03666f', 'ffffffffffffffffffff01']) {
    assert.throws(() => decodeObject(NamespaceKind, hex(bad)), SchemaCodecError, bad);
  }
  // Wrong wire type for a known field.
  assert.throws(() => decodeObject(NamespaceKind, hex('0805')), SchemaCodecError);
  // Raw that is not JSON.
  assert.throws(() => decodeObject(GadgetKind, hex('1205520302ff')), SchemaCodecError);
});

test('encoding rejects values of the wrong type with SchemaCodecError', () => {
  assert.throws(() => encodeObject(GadgetKind, { spec: { replicas: 'x' } }), SchemaCodecError);
  assert.throws(() => encodeObject(GadgetKind, { spec: { parts: {} } }), SchemaCodecError);
});

test('the test kind round-trips a populated sample', () => {
  const s = sampleObject(GadgetKind);
  assert.deepEqual(decodeObject(GadgetKind, encodeObject(GadgetKind, s)), s);
});

/** Non-zero proto numbers must be unique within each schema (or the codec is ambiguous). */
function duplicateNumbers(schema: ObjectSchema<unknown>, seen = new Set<ObjectSchema<unknown>>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const out: string[] = [];
  const nums = new Map<string, string>();
  const embeddedAt = new Set<number>();
  for (const f of Object.values(schema.fields)) if (f.protoEmbeddedIn) embeddedAt.add(f.protoEmbeddedIn.field);
  for (const [name, f] of Object.entries(schema.fields)) {
    if (f.proto <= 0) continue;
    const key = f.protoEmbeddedIn ? `${f.protoEmbeddedIn.field}.${f.proto}` : String(f.proto);
    if (nums.has(key)) out.push(`${schema.name}: ${name} and ${nums.get(key)} share ${key} (an inline-embedded struct? mark its fields protoEmbeddedIn)`);
    if (!f.protoEmbeddedIn && embeddedAt.has(f.proto)) out.push(`${schema.name}: ${name} uses ${f.proto}, the number of an embedded message`);
    nums.set(key, name);
    for (let t = f.type; ; ) {
      if (t.kind === 'object') out.push(...duplicateNumbers(t.ref(), seen));
      if (t.kind === 'list') t = t.items;
      else if (t.kind === 'map') t = t.values;
      else break;
    }
  }
  return out;
}

test('every kind in the registry: unique field numbers, and a populated sample round-trips', () => {
  const kinds: KindSpec[] = new Registry().all();
  assert.ok(kinds.length > 0);
  for (const spec of kinds) {
    assert.deepEqual(duplicateNumbers(spec.schema), [], spec.kind);
    const s = sampleObject(spec, { includeUnencoded: false });
    assert.deepEqual(decodeObject(spec, encodeObject(spec, s)), s, `${spec.group}/${spec.version} ${spec.kind}`);
  }
});

test('SchemaCodecError is a machinery ProtobufError', () => {
  assert.throws(() => decodeObject(NamespaceKind, hex('0a')), ProtobufError);
});
