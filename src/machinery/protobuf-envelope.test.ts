import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProtobufError, WireType, createReader, createWriter, decodeEnvelope, encodeEnvelope, enterMessage, forEachField, hasProtobufMagic,
} from './protobuf-envelope.js';

// `kubectl create namespace foo`, captured (notes/kubectl-wire.md §0).
const CAPTURED = '6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200';
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('decodes the captured kubectl create namespace body', () => {
  const env = decodeEnvelope(hex(CAPTURED));
  assert.equal(env.apiVersion, 'v1');
  assert.equal(env.kind, 'Namespace');
  assert.equal(env.contentEncoding, '');
  assert.equal(env.contentType, '');
  assert.equal(toHex(env.raw), '0a130a03666f6f12001a0022002a0032003800420012001a020a00');
  // raw is the Namespace message: field 1 metadata {1: name "foo", …}.
  const r = createReader(env.raw);
  let name = '';
  forEachField(r, undefined, (f, wt) => {
    if (f !== 1 || wt !== WireType.LengthDelimited) return false;
    const end = enterMessage(r);
    forEachField(r, end, (mf) => {
      if (mf === 1) { name = r.string(); return true; }
      return false;
    });
    return true;
  });
  assert.equal(name, 'foo');
});

test('encode reproduces the captured bytes and round-trips', () => {
  const env = decodeEnvelope(hex(CAPTURED));
  assert.equal(toHex(encodeEnvelope(env)), CAPTURED);
  const again = decodeEnvelope(encodeEnvelope({ apiVersion: 'apps/v1', kind: 'Deployment', raw: Uint8Array.of(1, 2, 3), contentType: 'x' }));
  assert.deepEqual({ ...again, raw: [...again.raw] }, { apiVersion: 'apps/v1', kind: 'Deployment', raw: [1, 2, 3], contentEncoding: '', contentType: 'x' });
  assert.equal(hasProtobufMagic(hex(CAPTURED)), true);
  assert.equal(hasProtobufMagic(Uint8Array.of(0x7b)), false);
});

test('unknown fields are skipped', () => {
  const w = createWriter();
  w.uint32((9 << 3) | WireType.Varint).uint64(12345);
  w.uint32((10 << 3) | WireType.Fixed32).fixed32(7);
  w.uint32((11 << 3) | WireType.Fixed64).fixed64(7);
  w.uint32((1 << 3) | WireType.LengthDelimited).fork().uint32((2 << 3) | 2).string('Pod').uint32((7 << 3) | 0).uint32(1).ldelim();
  const body = w.finish();
  const bytes = new Uint8Array(4 + body.length);
  bytes.set([0x6b, 0x38, 0x73, 0x00]);
  bytes.set(body, 4);
  const env = decodeEnvelope(bytes);
  assert.equal(env.kind, 'Pod');
  assert.equal(env.apiVersion, '');
});

test('malformed input gives ProtobufError', () => {
  const full = hex(CAPTURED);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['no magic', hex('7b7d'), /expected prefix \[107 56 115 0\]/],
    ['empty', new Uint8Array(0), /expected prefix/],
    ['json body', new TextEncoder().encode('{"kind":"Namespace"}'), /expected prefix/],
    ['bad wire type', hex('6b3873000f'), /wire type|invalid/],
    ['field zero', hex('6b38730002'), /invalid/],
    ['wrong wire type for typeMeta', hex('6b3873000801'), /field 1: wire type 0, expected 2/],
  ];
  // Every cut inside a field is an error; cuts between fields (21, 50, 52) leave a valid prefix.
  for (let cut = 5; cut < full.length; cut++) {
    if (![21, 50, 52].includes(cut)) cases.push([`truncated at ${cut}`, full.subarray(0, cut), /./]);
  }
  for (const [name, bytes, re] of cases) {
    assert.throws(() => decodeEnvelope(bytes), (e: unknown) => e instanceof ProtobufError && re.test(e.message), name);
  }
});
